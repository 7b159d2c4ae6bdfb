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

BenchmarkSwitcher.FromAssembly(typeof(ScoringBenchmarks).Assembly).Run(args);
