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

BenchmarkSwitcher.FromAssembly(typeof(ScoringBenchmarks).Assembly).Run(args);
