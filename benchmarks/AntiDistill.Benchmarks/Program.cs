using System.Globalization;
using AntiDistill.Benchmarks;
using BenchmarkDotNet.Running;

// `-- memory` measures retained memory per account (not a BenchmarkDotNet job); anything else goes to BenchmarkDotNet,
// e.g. `-- --filter *Scoring*`. Result tables are copied to benchmarks/results/.
if (args.Length > 0 && args[0] == "memory")
{
    string table = AccountMemory.Run();
    Console.WriteLine(table);
    string? output = args.Length > 1 ? args[1] : null;
    if (output is not null)
    {
        File.WriteAllText(output, table);
    }

    return;
}

if (args.Length > 0 && args[0] == "linkage")
{
    int corporaArg = Array.IndexOf(args, "--corpora");
    int accountsArg = Array.IndexOf(args, "--accounts"), requestsArg = Array.IndexOf(args, "--requests");
    string table = LinkageScale.Run(
        corporaArg >= 0 && corporaArg + 1 < args.Length ? args[corporaArg + 1] : null,
        accountsArg >= 0 ? int.Parse(args[accountsArg + 1], CultureInfo.InvariantCulture) : 25_000,
        requestsArg >= 0 ? int.Parse(args[requestsArg + 1], CultureInfo.InvariantCulture) : 1_000_000);
    Console.WriteLine(table);
    if (args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal))
    {
        File.WriteAllText(args[1], table);
    }

    return;
}

if (args.Length > 2 && args[0] == "loop")
{
    // For `perf record`: one benchmark method in a plain loop for N seconds, e.g.
    // `-- loop MiddlewareBenchmarks.WithScoring 20 [--allocations]` (results/middleware-inprocess.md says how it
    // was profiled); --allocations samples the types allocated.
    ProfileLoop.Run(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), args.Contains("--allocations"));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ScoringBenchmarks).Assembly).Run(args);
