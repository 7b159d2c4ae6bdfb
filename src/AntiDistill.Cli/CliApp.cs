using System.CommandLine;
using System.CommandLine.Help;
using AntiDistill.Cli.Analyze;
using AntiDistill.Cli.Indicators;
using AntiDistill.Cli.Simulate;

namespace AntiDistill.Cli;

/// <summary>The <c>antidistill</c> command line, callable in-process (tests, the quality benchmark, the demo).</summary>
internal static class CliApp
{
    /// <summary>The command's name, as the tool is installed (<c>ToolCommandName</c>).</summary>
    public const string Name = "antidistill";

    /// <summary>Parses <paramref name="args"/> and runs the chosen command.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results and help go; the console by default.</param>
    /// <param name="stderr">Where errors, bad lines and progress go; the console by default (progress only on a terminal).</param>
    /// <returns>The exit code: 0 on success.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        // For in-process hosts (tests, demo, benchmarks) without the runtimeconfig entry; see GzipIntegrity.
        GzipIntegrity.Enable();
        // Not RootCommand: it names itself after the entry assembly (AntiDistill.Cli), while the installed tool is
        // called antidistill and the usage lines must say so. Help and version are what RootCommand would add.
        var root = new Command(Name, "Find model-distillation campaigns in LLM API request logs, and simulate the traffic to test against.")
        {
            new HelpOption(),
            new VersionOption(),
            AnalyzeCommand.Create(),
            SimulateCommand.Create(),
            IndicatorsCommand.Create(),
        };

        var configuration = new InvocationConfiguration();
        if (stdout is not null)
        {
            configuration.Output = stdout;
        }

        if (stderr is not null)
        {
            configuration.Error = stderr;
        }

        // Response files (@file expanded into arguments) are off: the tool never documented them, an argument such as
        // "@\0" made System.CommandLine throw out of Parse instead of reporting a usage error, and a log file whose name
        // starts with @ should be read as a log, not as more arguments.
        var parsing = new ParserConfiguration { ResponseFileTokenReplacer = null };

        // No file system allows NUL in a name, and System.CommandLine's FileInfo and DirectoryInfo converters throw on
        // one (found by ArgumentsPropertyTests): refuse it here once, for every path option, with a usage error.
        if (Array.FindIndex(args, a => a.Contains('\0', StringComparison.Ordinal)) is int bad and >= 0)
        {
            (stderr ?? Console.Error).WriteLine($"error: argument {bad + 1} contains a NUL character, which no file name or option value may hold.");
            return Task.FromResult(ExitCodes.Usage);
        }

        // Nor an empty one: no option of the tool means anything by "", and path APIs throw on it (`--out ""` and
        // `indicators export ""` were unhandled ArgumentExceptions, found by ArgumentsPropertyTests).
        if (Array.FindIndex(args, a => a.Length == 0) is int empty and >= 0)
        {
            (stderr ?? Console.Error).WriteLine($"error: argument {empty + 1} is empty; no file name or option value may be.");
            return Task.FromResult(ExitCodes.Usage);
        }

        return root.Parse(args, parsing).InvokeAsync(configuration);
    }
}
