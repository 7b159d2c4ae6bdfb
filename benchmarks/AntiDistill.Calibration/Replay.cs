using AntiDistill.Simulation;

namespace AntiDistill.Calibration;

/// <summary>Per-account outcome of replaying traffic through an engine, as the online path would have seen it.</summary>
internal sealed class AccountOutcome
{
    public required string Population { get; init; }
    public required bool IsCampaign { get; init; }
    public Dictionary<string, int> Sources { get; } = [];
    public int Requests { get; set; }
    public float MaxRisk { get; set; }
    public int? FirstSuspicious { get; set; }
    public int? FirstCampaign { get; set; }
    public int ServedBeforeFlag { get; set; }
    public bool Clustered { get; set; }
    public List<(int Request, float[] Signals)> Checkpoints { get; } = [];
    public float[]? Last { get; set; }

    public string DominantSource => Sources.Count == 0 ? "none" : Sources.MaxBy(kv => kv.Value).Key;
}

internal static class Replay
{
    private static readonly HashSet<int> CheckpointSet = [3, 5, 8, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 2000, 3000];

    public static Dictionary<string, AccountOutcome> Run(IEnumerable<SimulatedRequest> traffic, AntiDistillationOptions options, bool collectCheckpoints)
    {
        var engine = new DistillationEngine(options);
        var replay = new EngineReplay(engine);
        var outcomes = new Dictionary<string, AccountOutcome>();
        foreach (var request in traffic)
        {
            if (!outcomes.TryGetValue(request.Account, out var outcome))
            {
                outcomes[request.Account] = outcome = new AccountOutcome { Population = request.Population, IsCampaign = request.IsCampaign };
            }

            var assessment = replay.Observe(request);
            outcome.Requests++;
            if (request.Source != "followup")
            {
                outcome.Sources[request.Source] = outcome.Sources.GetValueOrDefault(request.Source) + 1;
            }

            outcome.MaxRisk = Math.Max(outcome.MaxRisk, assessment.Risk);
            outcome.Clustered = assessment.Cluster.IsValid;
            if (assessment.Verdict >= Verdict.Suspicious)
            {
                outcome.FirstSuspicious ??= outcome.Requests;
            }

            if (outcome.FirstSuspicious is null)
            {
                outcome.ServedBeforeFlag++;
            }

            if (assessment.Verdict == Verdict.Campaign)
            {
                outcome.FirstCampaign ??= outcome.Requests;
            }

            // Every account's latest signals (the report's per-population means), and checkpoints for the fit.
            var values = outcome.Last is { } reused && !collectCheckpoints ? reused : new float[RiskSignalNames.Count];
            foreach (var s in assessment.Signals)
            {
                values[(int)s.Signal] = s.Value;
            }

            outcome.Last = values;
            if (collectCheckpoints && CheckpointSet.Contains(outcome.Requests))
            {
                outcome.Checkpoints.Add((outcome.Requests, values));
            }
        }

        return outcomes;
    }
}
