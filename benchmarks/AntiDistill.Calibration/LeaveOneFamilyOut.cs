using System.Text;
using AntiDistill.Simulation;

namespace AntiDistill.Calibration;

/// <summary>
/// Generalization, measured: for every campaign family, the weights are fitted without that family's accounts, and the
/// family is then detected on held-out traffic with those weights. A signal that only works because the fit saw the
/// family shows here as a family the other families' weights do not catch.
/// </summary>
internal static class LeaveOneFamilyOut
{
    /// <summary>Runs the test and returns the markdown table.</summary>
    /// <param name="samples">Training samples: population, is-campaign, signal vector, sample weight.</param>
    /// <param name="evaluation">Held-out traffic (another seed).</param>
    /// <param name="fit">Fits options (weights and thresholds) on a subset of the samples.</param>
    /// <param name="notFitted">Campaign families never in the samples: their row is the fit on all the samples.</param>
    public static string Run(
        IReadOnlyList<(string Population, bool IsCampaign, double[] Signals, double Weight)> samples,
        List<SimulatedRequest> evaluation,
        Func<IReadOnlyList<(string Population, bool IsCampaign, double[] Signals, double Weight)>, AntiDistillationOptions> fit,
        IReadOnlyCollection<string> notFitted)
    {
        var families = samples.Where(s => s.IsCampaign).Select(s => s.Population).Concat(notFitted).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| held-out family | accounts | flagged | median requests to flag | served before flag | organic flagged (same weights) | organic campaign |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (string family in families)
        {
            Console.Error.WriteLine($"  without {family}...");
            var options = fit([.. samples.Where(s => s.Population != family)]);
            var outcomes = Replay.Run(evaluation, options, collectCheckpoints: false);
            var held = outcomes.Values.Where(o => o.Population == family).ToList();
            var organic = outcomes.Values.Where(o => !o.IsCampaign).ToList();
            var firsts = held.Where(o => o.FirstSuspicious is not null).Select(o => o.FirstSuspicious!.Value).Order().ToList();
            int requests = held.Sum(o => o.Requests);
            sb.AppendLine($"| {family} | {held.Count} | {Share(held, o => o.FirstSuspicious is not null)} | {(firsts.Count == 0 ? "-" : firsts[firsts.Count / 2].ToString())} | "
                + $"{(requests == 0 ? "-" : (held.Sum(o => o.ServedBeforeFlag) / (double)requests).ToString("P1"))} | "
                + $"{Share(organic, o => o.FirstSuspicious is not null)} | {Share(organic, o => o.FirstCampaign is not null)} |");
        }

        return sb.ToString();
    }

    private static string Share(List<AccountOutcome> list, Func<AccountOutcome, bool> predicate) =>
        list.Count == 0 ? "-" : $"{list.Count(predicate) / (double)list.Count:P1}";
}
