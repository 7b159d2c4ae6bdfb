// Re-derives the risk model's defaults (RiskModelOptions.Bias, RiskWeights, thresholds) from simulated
// traffic whose prompts come from ../shared/data/corpora, then evaluates them on traffic from another seed.
//
//   dotnet run -c Release --project benchmarks/AntiDistill.Calibration -- [--corpora DIR] [--out FILE]
//   python3 benchmarks/AntiDistill.Calibration/apply-defaults.py    # copy the fitted defaults into the code
//   dotnet run -c Release --project benchmarks/AntiDistill.Calibration -- --leave-one-out   # and the leave-one-family-out table
//
// The fit is a sample-weighted logistic regression with non-negative weights over account signal vectors taken at checkpoints
// (after 3, 5, 8, ... requests and at the end), every population weighing the same in total, so a
// population with many accounts cannot drown a rare trap. Thresholds are then chosen on the training
// replay: "suspicious" where at most 0.5% of organic accounts are ever flagged, "campaign" above every

using System.Globalization;
using AntiDistill;
using AntiDistill.Calibration;
using AntiDistill.Simulation;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string corpora = Arg("--corpora") ?? FindCorpora();
// --leave-one-out appends the leave-one-family-out table.
string output = Arg("--out") ?? Path.Combine(RepoRoot(), "benchmarks", "results", "calibration.md");

// Signals the fit does not weigh; their weights are set by design and kept as the defaults say. indicator_match is always
// 0 here (no feed in the corpora; see RiskWeights.IndicatorMatch). rushed_follow_ups is the evidence of one recipe's
// families only (the dialogue harvests), so no fit can judge it leave-one-family-out (see RiskWeights.RushedFollowUps). Their columns
// are zeroed before the fit; the thresholds are still chosen with their designed weights in place.
RiskSignal[] notFitted = [RiskSignal.IndicatorMatch, RiskSignal.RushedFollowUps];

// Families measured here but kept out of the fit: the dialogue harvests. Fitted in, campaign_dialogue_harvest pulled the
// bias and the thresholds towards multi-turn traffic, and three of the other four quiet families, each left out, fell
// from 96-98% to 66-77% flagged (the first calibration run with the signal, before commit 6c86b89). Their detection comes from a designed weight, so their leave-one-family-out
// rows are the main fit's.
//
// campaign_persona_sweep (the task sweep behind a scheduler that keeps people's days) is kept out for the same reason
// the dialogue harvests first were: no signal separates it. Fitted in, it stayed at 6.7% flagged (6.0% left out) while
// the threshold rose 0.63 -> 0.66 and organic_casual's and organic_long_answers' flagged shares rose (0.3 -> 0.5%,
// 1.4 -> 1.7%): the fit traded for nothing. Its leave-one-family-out row is the main fit's.
string[] notFittedFamilies = ["campaign_dialogue_harvest", "campaign_dialogue_streamed", "campaign_dialogue_parallel", "campaign_persona_sweep"];

if (!Directory.Exists(corpora))
{
    Console.Error.WriteLine($"Corpora not found at '{corpora}'. Calibration must run on the shared corpora: pass --corpora DIR.");
    return 2;
}

var prompts = PromptLibrary.Load(corpora);
var scenario = CalibrationScenario.Create();
Console.Error.WriteLine("Generating training traffic (seed 1)...");
var training = scenario.Generate(1, prompts, CalibrationScenario.Start, CalibrationScenario.Duration);
Console.Error.WriteLine($"  {training.Count:N0} requests. Replaying to collect signals...");
var trainOutcomes = Replay.Run(training, new AntiDistillationOptions(), collectCheckpoints: true);

// Samples: every checkpoint and the final state of every account; each population totals weight 1.
var samples = new List<(string Population, bool IsCampaign, double[] Signals, double Weight)>();
foreach (var group in trainOutcomes.Values.GroupBy(o => o.Population).Where(g => !notFittedFamilies.Contains(g.Key)))
{
    var signals = group.SelectMany(o => o.Checkpoints.Select(c => c.Signals).Append(o.Last!)).ToList();
    foreach (var s in signals)
    {
        double[] values = [.. s.Select(v => (double)v)];
        foreach (var signal in notFitted)
        {
            values[(int)signal] = 0;
        }

        samples.Add((group.Key, group.First().IsCampaign, values, 1.0 / signals.Count));
    }
}

var fitted = Fit(samples);

Console.Error.WriteLine("Generating evaluation traffic (seed 2)...");
var evaluation = scenario.Generate(2, prompts, CalibrationScenario.Start, CalibrationScenario.Duration);
var evalOutcomes = Replay.Run(evaluation, fitted, collectCheckpoints: false);

var report = Report.Write(fitted, training.Count, evaluation.Count, evalOutcomes, corpora);

if (args.Contains("--leave-one-out"))
{
    Console.Error.WriteLine("Leave one family out...");
    report += Environment.NewLine + "## Leave one family out" + Environment.NewLine + Environment.NewLine
        + "Weights and thresholds fitted without the family, then the family detected on the held-out traffic (seed 2, linkage on)." + Environment.NewLine
        + "Run with `--leave-one-out` (a fit and a replay per family: minutes)." + Environment.NewLine + Environment.NewLine
        + LeaveOneFamilyOut.Run(samples, evaluation, Fit, notFittedFamilies);
}

Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllText(output, report);
Console.WriteLine(report);
Console.Error.WriteLine($"Written to {output}");
return 0;

// Weights by logistic regression, then thresholds from the training replay with those weights: "suspicious" where at
// most 0.5% of organic accounts are ever flagged, "campaign" above every organic account's peak.
AntiDistillationOptions Fit(IReadOnlyList<(string Population, bool IsCampaign, double[] Signals, double Weight)> subset)
{
    var (bias, weights) = LogisticRegression.FitNonNegative(
        [.. subset.Select(s => s.Signals)], [.. subset.Select(s => s.IsCampaign)], [.. subset.Select(s => s.Weight)], l2: 0.05);
    var options = new AntiDistillationOptions();
    options.Risk.Bias = Math.Round(bias, 2);
    var properties = typeof(RiskWeights).GetProperties().Where(p => p.PropertyType == typeof(double)).ToDictionary(p => p.Name);
    for (int i = 0; i < weights.Length; i++)
    {
        if (notFitted.Contains((RiskSignal)i))
        {
            continue; // set by design, see notFitted
        }

        properties[((RiskSignal)i).ToString()].SetValue(options.Risk.Weights, Math.Round(weights[i], 2));
    }

    options.Risk.SuspiciousThreshold = 0.99;
    options.Risk.CampaignThreshold = 0.99;
    var scored = Replay.Run(training, options, collectCheckpoints: false);
    var peaks = scored.Values.Where(o => !o.IsCampaign).Select(o => (double)o.MaxRisk).OrderBy(r => r).ToList();
    double suspicious = Math.Clamp(Math.Ceiling(Quantile(peaks, 0.995) * 100) / 100 + 0.01, 0.5, 0.95);
    options.Risk.SuspiciousThreshold = suspicious;
    options.Risk.CampaignThreshold = Math.Clamp(Math.Ceiling(peaks[^1] * 100) / 100 + 0.02, Math.Max(0.9, suspicious), 0.99);
    return options;
}

static double Quantile(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string RepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AntiDistill.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

static string FindCorpora() => Path.GetFullPath(Path.Combine(RepoRoot(), "..", "shared", "data", "corpora"));
