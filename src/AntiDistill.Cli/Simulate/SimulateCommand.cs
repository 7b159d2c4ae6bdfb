using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using AntiDistill.Cli.CommandLine;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary><c>antidistill simulate --out log.jsonl</c>.</summary>
internal static class SimulateCommand
{
    /// <summary>Start of the simulated window unless <c>--start</c> is given (a Monday).</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Largest scale x days product accepted: scale 10 over a week, about 2 million requests and 3.5 GB of memory.</summary>
    private const double MaxScaleDays = 70;

    public static Command Create()
    {
        var output = new Option<FileInfo>("--out", "-o")
        {
            HelpName = "FILE",
            Description = "The log to write: NAME.jsonl, or NAME.jsonl.gz for gzip. The truth is written beside it as NAME.truth.csv " +
                "(account,population,campaign,requests,source: one row per account, campaign yes/no).",
            Required = true,
        };
        var seed = NumberOption.Int("--seed", 1, int.MinValue, int.MaxValue,
            "Random seed; the same seed (and options) writes the same files byte for byte.", "N");
        var scale = NumberOption.Double("--scale", 1.0, x => x is > 0 and <= MaxScaleDays, "greater than 0 and at most 70",
            "Multiplies every population's account count (scale 1: about 2,500 active accounts and 200,000 requests over seven days; --scale 1.1 for a log of 200,000+ records).", "X");
        var days = NumberOption.Int("--days", 7, 1, 365, "Length of the simulated window in days.", "DAYS");
        var start = new Option<DateTimeOffset>("--start")
        {
            HelpName = "TIME",
            Description = "Start of the window (RFC 3339, default 2026-04-06T00:00:00Z, a Monday).",
            DefaultValueFactory = _ => DefaultStart,
        };
        var corpora = new Option<DirectoryInfo?>("--corpora")
        {
            HelpName = "DIR",
            Description = "Directory of prompt corpora (JSONL of {\"text\",\"source\"}, e.g. ../shared/data/corpora). Without it a built-in generator writes the prompts.",
        };
        output.Validators.Add(r =>
        {
            // The token's text, not GetValueOrDefault: that throws when the text is no valid path, and the converter's own error says so.
            string name = r.Tokens.Count > 0 ? Path.GetFileName(r.Tokens[^1].Value) : "";
            if (r.Tokens.Count > 0 && !IsLogName(name))
            {
                r.AddError($"--out must end in .jsonl or .jsonl.gz (got '{name}').");
            }
        });

        var providers = NumberOption.Int("--providers", 1, 1, 64,
            "Split the simulated world between this many providers (every account goes to one; campaigns keep one recipe and infrastructure across them).", "M");
        var provider = NumberOption.Int("--provider", 0, 0, 63, "Which provider's share to write (0 to --providers minus 1).", "N");

        var command = new Command("simulate", "Write realistic simulated traffic in request-log v1, with a truth file (account -> population).")
        {
            output, seed, scale, days, start, corpora, providers, provider,
        };
        command.SetAction((parse, cancellation) =>
        {
            var settings = new SimulationSettings(
                parse.GetRequiredValue(output).FullName,
                parse.GetValue(seed),
                parse.GetValue(scale),
                parse.GetValue(days),
                parse.GetValue(start),
                parse.GetValue(corpora)?.FullName,
                parse.GetValue(providers),
                parse.GetValue(provider));
            return Task.FromResult(Run(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation));
        });
        return command;
    }

    internal static int Run(SimulationSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        // Everything is generated in memory before it is sorted and written: about 350 MB per unit of scale over seven days.
        if (settings.Scale * settings.Days > MaxScaleDays)
        {
            stderr.WriteLine($"simulate: --scale times --days must be at most {MaxScaleDays} (e.g. --scale 10 for seven days): the simulation is held in memory.");
            return 1;
        }

        if (settings.Provider >= settings.Providers)
        {
            stderr.WriteLine("simulate: --provider must be less than --providers.");
            return 1;
        }

        if (settings.Corpora is not null && !Directory.Exists(settings.Corpora))
        {
            stderr.WriteLine($"simulate: no corpora directory at '{settings.Corpora}'.");
            return 1;
        }

        string stage = "read the corpora in";
        try
        {
            var prompts = settings.Corpora is null ? PromptLibrary.BuiltIn(settings.Seed) : PromptLibrary.Load(settings.Corpora, settings.Seed);
            stage = "write";
            var result = SimulationRun.Write(settings, prompts, cancellation);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {result.Records:N0} requests from {result.Accounts:N0} accounts ({result.Bytes / 1e6:N1} MB before compression) to {settings.Output}"));
            stdout.WriteLine($"Truth: {TruthFile.PathFor(settings.Output)} (prompts: {(prompts.FromCorpora ? "corpora" : "built-in generator")}, seed {settings.Seed.ToString(CultureInfo.InvariantCulture)})");
            return 0;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("simulate: cancelled.");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"simulate: cannot {stage} '{(stage == "write" ? settings.Output : settings.Corpora)}': {e.Message}");
            return 1;
        }
    }

    private static bool IsLogName(string name) =>
        name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase);

    internal static Stream OpenLog(string path)
    {
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
    }
}

/// <summary>What <c>antidistill simulate</c> was asked for.</summary>
internal sealed record SimulationSettings(string Output, int Seed, double Scale, int Days, DateTimeOffset Start, string? Corpora, int Providers = 1, int Provider = 0);
