using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>Generates the mix and writes the log and its truth file.</summary>
internal static class SimulationRun
{
    /// <summary>Longest delay between a request's <c>ts</c> and its line being logged (the spec allows a few seconds).</summary>
    private static readonly TimeSpan MaxLogDelay = TimeSpan.FromSeconds(2);

    public static (long Records, int Accounts, long Bytes) Write(SimulationSettings settings, PromptLibrary prompts, CancellationToken cancellation)
    {
        var traffic = SimulationMix.Create(settings.Scale).Generate(settings.Seed, prompts, settings.Start, TimeSpan.FromDays(settings.Days));
        if (settings.Providers > 1)
        {
            traffic.RemoveAll(r => ProviderSplit.Of(r.Account, settings.Providers) != settings.Provider);
        }
        cancellation.ThrowIfCancellationRequested();

        var truth = new TruthFile();
        long bytes;
        using (var stream = SimulateCommand.OpenLog(settings.Output))
        using (var log = new RequestLogWriter(stream, settings.Seed))
        {
            int i = 0;
            foreach (var request in InLoggedOrder(traffic, settings.Seed))
            {
                if ((++i & 4095) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }

                log.Write(request);
                truth.Add(log.AccountId(request.Account), request);
            }

            bytes = log.BytesWritten;
        }

        using (var writer = new StreamWriter(TruthFile.PathFor(settings.Output), append: false, new System.Text.UTF8Encoding(false)))
        {
            truth.Write(writer);
        }

        return (traffic.Count, truth.Accounts, bytes);
    }

    /// <summary>
    /// Lines appear in the order a gateway would log them: each request lands a little after it arrived (up to
    /// <see cref="MaxLogDelay"/>), so neighbours sometimes swap, as the spec allows; <c>ts</c> stays the arrival.
    /// </summary>
    private static IEnumerable<SimulatedRequest> InLoggedOrder(List<SimulatedRequest> traffic, int seed)
    {
        var rng = new Random(unchecked(seed * 31 + 7));
        var keys = new long[traffic.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            double delay = Math.Min(-0.15 * Math.Log(1 - rng.NextDouble()), MaxLogDelay.TotalSeconds);
            keys[i] = traffic[i].Timestamp.UtcTicks + (long)(delay * TimeSpan.TicksPerSecond);
        }

        var order = new int[traffic.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Array.Sort is not stable; the index as a tie-break makes it so (and the output deterministic).
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        foreach (int i in order)
        {
            yield return traffic[i];
        }
    }
}
