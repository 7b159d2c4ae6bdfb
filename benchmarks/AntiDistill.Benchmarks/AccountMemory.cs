using System.Diagnostics;
using System.Text;

namespace AntiDistill.Benchmarks;

/// <summary>
/// Retained memory per tracked account (1,000,000 accounts), and that a capped store stays flat while
/// 10,000,000 distinct accounts rotate through. BenchmarkDotNet measures allocation per call, not
/// retained heap, so this is a separate mode: <c>dotnet run -c Release --project benchmarks/AntiDistill.Benchmarks -- memory</c>.
/// </summary>
internal static class AccountMemory
{
    public static string Run()
    {
        byte[] prompt = SamplePrompts.OfSize(300);
        var sb = new StringBuilder();
        sb.AppendLine("# Account memory");
        sb.AppendLine();
        sb.AppendLine("`dotnet run -c Release --project benchmarks/AntiDistill.Benchmarks -- memory` (workstation GC, forced full collections).");
        sb.AppendLine();
        sb.AppendLine("| scenario | accounts observed | accounts tracked | managed heap after | bytes per tracked account | seconds |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");

        sb.AppendLine(Measure("1M accounts, cap 2M (no eviction), linkage off", 1_000_000, 2_000_000, prompt, linkage: false));
        sb.AppendLine(Measure("1M accounts, cap 2M, linkage on (each with its own card and device)", 1_000_000, 2_000_000, prompt, linkage: true));
        sb.AppendLine(Measure("10M rotating, cap 1M, linkage off", 10_000_000, 1_000_000, prompt, linkage: false));
        sb.AppendLine(Measure("10M rotating, cap 100k, linkage off", 10_000_000, 100_000, prompt, linkage: false));
        sb.AppendLine();
        sb.AppendLine("The store's rows are the engine's account state (sketches, counters, index). With linkage on, each account also");
        sb.AppendLine("has a node in the linkage graph and its attribute values in the index; the linker is bounded by its own");
        sb.AppendLine("`LinkageOptions.MaxAccounts` and `MaxIndexedValues`, not by the store's cap.");
        return sb.ToString();
    }

    private static string Measure(string name, int distinctAccounts, int cap, byte[] prompt, bool linkage)
    {
        long before = Heap();
        var sw = Stopwatch.StartNew();
        var options = new AntiDistillationOptions();
        options.Accounts.MaxAccounts = cap;
        options.Linkage.Enabled = linkage;
        var engine = new DistillationEngine(options);
        var at = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < distinctAccounts; i++)
        {
            // Synthetic ids instead of HMAC: this measures the store, not the hasher.
            var account = new AccountId((ulong)(i + 1) * 0x9E3779B97F4A7C15UL);
            var client = new ClientAttributes { Payment = account.Value ^ 0x5555, Device = account.Value ^ 0xAAAA, UserAgent = 3, TlsFingerprint = 4 };
            var observation = new Observation { Account = account, Timestamp = at.AddMilliseconds(i), Prompt = prompt, TurnCount = 1, Client = client };
            engine.Observe(observation);
            if ((i & 1023) == 0)
            {
                engine.ProcessLinkage();
            }
        }

        engine.ProcessLinkage();
        long after = Heap();
        int tracked = engine.TrackedAccounts;
        GC.KeepAlive(engine);
        return $"| {name} | {distinctAccounts:N0} | {tracked:N0} | {(after - before) / (1024.0 * 1024):N1} MiB | {(after - before) / (double)tracked:N0} | {sw.Elapsed.TotalSeconds:N1} |";
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
