using System.CommandLine;
using AntiDistill.Cli.Analyze;
using AntiDistill.Cli.Simulate;

namespace AntiDistill.Cli;

/// <summary>The <c>antidistill</c> command line, callable in-process (tests, the quality benchmark, the demo).</summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results and help go; the console by default.</param>
    /// <param name="stderr">Where errors, bad lines and progress go; the console by default (progress only on a terminal).</param>
    /// <returns>The exit code: 0 on success.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var root = new RootCommand("Find model-distillation campaigns in LLM API request logs, and simulate the traffic to test against.")
        {
            AnalyzeCommand.Create(),
            SimulateCommand.Create(),
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

        return root.Parse(args).InvokeAsync(configuration);
    }
}
