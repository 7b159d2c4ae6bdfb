// Detection-quality benchmark (issue 4): simulate with the shared corpora, analyze through the CLI in-process,
// score report.json against the truth file per population and per prompt source, print and write
// benchmarks/results/quality.md.
//
//   dotnet run -c Release --project benchmarks/AntiDistill.Quality [-- --corpora DIR] [--seed N] [--scale X] [--days D] [--keep DIR] [--check]
//   dotnet run -c Release --project benchmarks/AntiDistill.Quality -- --sharing   (issue 15: two providers, one shares a bundle;
//   writes benchmarks/results/indicator-sharing.md)
using System.Diagnostics;
using System.Globalization;
using AntiDistill.Cli;
using AntiDistill.Quality;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string repo = RepoRoot();
string corpora = Arg("--corpora") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "data", "corpora"));
int seed = int.Parse(Arg("--seed") ?? "1", CultureInfo.InvariantCulture);
double scale = double.Parse(Arg("--scale") ?? "1", CultureInfo.InvariantCulture);
int days = int.Parse(Arg("--days") ?? "7", CultureInfo.InvariantCulture);
bool sharing = args.Contains("--sharing");
string results = Arg("--results") ?? Path.Combine(repo, "benchmarks", "results", sharing ? "indicator-sharing.md" : "quality.md");
if (!Directory.Exists(corpora))
{
    Console.Error.WriteLine($"quality: the shared corpora are not at '{corpora}'. Pass --corpora DIR (the benchmark scores on the public corpora, not the built-in generator).");
    return 2;
}

string work = Arg("--keep") ?? Path.Combine(Path.GetTempPath(), $"antidistill-quality-{Environment.ProcessId}");
Directory.CreateDirectory(work);
string log = Path.Combine(work, "traffic.jsonl");
string report = Path.Combine(work, "report.json");
try
{
    if (sharing)
    {
        return await Sharing.RunAsync(corpora, seed, scale, days, work, results);
    }

    var clock = Stopwatch.StartNew();
    int code = await CliApp.RunAsync(["simulate", "--out", log, "--seed", Invariant(seed), "--scale", Invariant(scale), "--days", Invariant(days), "--corpora", corpora]);
    var simulate = clock.Elapsed;
    if (code != 0)
    {
        Console.Error.WriteLine($"quality: simulate failed with exit code {code}.");
        return code;
    }

    clock.Restart();
    code = await CliApp.RunAsync(["analyze", log, "--out", report]);
    var analyze = clock.Elapsed;
    if (code != 0)
    {
        Console.Error.WriteLine($"quality: analyze failed with exit code {code}.");
        return code;
    }

    var truth = Truth.Load(Path.Combine(work, "traffic.truth.csv"));
    var accounts = Report.Load(report);
    var joined = accounts.Where(a => truth.ContainsKey(a.Account)).Select(a => new Joined(truth[a.Account], a)).ToList();
    int unmatched = accounts.Count - joined.Count + truth.Count - joined.Count;
    var card = new Scorecard(joined);
    var run = new RunInfo(seed, scale, days, Path.GetFileName(corpora.TrimEnd('/', '\\')), joined.Sum(j => (long)j.Report.Requests), new FileInfo(log).Length, simulate, analyze, unmatched);
    string markdown = Markdown.Render(card, run);
    Console.WriteLine(markdown);
    await File.WriteAllTextAsync(results, markdown);
    Console.WriteLine($"Wrote {results}");

    // Unmet goals are findings, not errors; --check makes them the exit code (for CI once the engine meets them).
    return args.Contains("--check") && !card.Goals.All(g => g.Met) ? 1 : 0;
}
finally
{
    if (Arg("--keep") is null)
    {
        Directory.Delete(work, recursive: true);
    }
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Invariant<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "AntiDistill.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
