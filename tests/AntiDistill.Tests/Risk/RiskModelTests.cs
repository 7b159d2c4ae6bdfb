using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Risk;

public partial class RiskModelTests
{
    private const int Signals = RiskSignalNames.SignalCount;

    /// <summary>Signal values in [0, 1] from arbitrary shorts (missing entries are 0).</summary>
    private static float[] Values(ushort[]? raw)
    {
        var values = new float[Signals];
        for (int i = 0; i < Signals && raw is not null && i < raw.Length; i++)
        {
            values[i] = raw[i] / (float)ushort.MaxValue;
        }

        return values;
    }

    /// <summary>Non-negative weights in [0, 20] from arbitrary shorts, a bias in [-12.8, 12.7].</summary>
    private static RiskModelOptions NonNegativeModel(ushort[]? rawWeights, sbyte bias)
    {
        var options = new RiskModelOptions { Bias = bias / 10.0 };
        var weights = options.Weights;
        double W(int i) => rawWeights is not null && i < rawWeights.Length ? rawWeights[i] / (double)ushort.MaxValue * 20 : 0;
        weights.CotElicitation = W(0);
        weights.GradingElicitation = W(1);
        weights.CapabilityFocus = W(2);
        weights.ReasoningHunger = W(3);
        weights.SingleTurn = W(4);
        weights.TraceHarvest = W(5);
        weights.TemplateRepetition = W(6);
        weights.ContentNovelty = W(7);
        weights.MachineTiming = W(8);
        weights.AroundTheClock = W(9);
        weights.Volume = W(10);
        return options;
    }

    private static Assessment Evaluate(RiskModel model, float[] values)
    {
        var assessment = default(Assessment);
        model.Evaluate(values, ref assessment);
        return assessment;
    }

    [Property(MaxTest = 300)]
    public bool Evaluate_NonNegativeWeights_RiskInUnitIntervalAndMonotoneInEachSignal(ushort[] rawValues, ushort[] rawWeights, sbyte bias, byte signal, ushort increase)
    {
        var model = new RiskModel(NonNegativeModel(rawWeights, bias));
        var values = Values(rawValues);
        int i = signal % Signals;
        var raised = (float[])values.Clone();
        raised[i] = Math.Min(1f, raised[i] + (increase / (float)ushort.MaxValue));

        float before = Evaluate(model, values).Risk;
        float after = Evaluate(model, raised).Risk;
        return before is >= 0 and <= 1 && after is >= 0 and <= 1 && after >= before;
    }

    [Property(MaxTest = 300)]
    public bool Evaluate_NonNegativeWeightsAndValues_ContributionsSumToTheRisk(ushort[] rawValues, ushort[] rawWeights, sbyte bias)
    {
        var model = new RiskModel(NonNegativeModel(rawWeights, bias));
        var values = Values(rawValues);
        var assessment = Evaluate(model, values);

        bool anyEvidence = false;
        for (int i = 0; i < Signals; i++)
        {
            anyEvidence |= model.Options.Weights[(RiskSignal)i] * values[i] > 0;
        }

        double sum = 0;
        foreach (var score in assessment.Signals)
        {
            if (score.Contribution < 0)
            {
                return false;
            }

            sum += score.Contribution;
        }

        // With no weighted evidence at all, no signal made the score: every contribution is 0.
        return anyEvidence ? Math.Abs(sum - assessment.Risk) <= 1e-5 : sum == 0;
    }

    [Fact]
    public void Evaluate_NegativeWeight_ContributesNegatively()
    {
        var options = new RiskModelOptions { Bias = 0 };
        options.Weights.Volume = -2;
        var values = new float[Signals];
        values[(int)RiskSignal.Volume] = 1;
        values[(int)RiskSignal.TraceHarvest] = 1;
        var assessment = Evaluate(new RiskModel(options), values);

        Assert.True(assessment[RiskSignal.Volume].Contribution < 0);
        Assert.True(assessment[RiskSignal.TraceHarvest].Contribution > 0);
        Assert.Equal(1f, assessment[RiskSignal.Volume].Value);
    }

    [Fact]
    public void Evaluate_KnownInputs_IsTheLogisticOfTheWeightedSum()
    {
        var options = new RiskModelOptions();
        var values = new float[Signals];
        values[(int)RiskSignal.TraceHarvest] = 0.5f;
        values[(int)RiskSignal.CotElicitation] = 0.25f;
        var assessment = Evaluate(new RiskModel(options), values);

        double z = options.Bias + (options.Weights.TraceHarvest * 0.5) + (options.Weights.CotElicitation * 0.25);
        Assert.Equal(1 / (1 + Math.Exp(-z)), assessment.Risk, 1e-6);
        Assert.Equal(0.25f, assessment[RiskSignal.CotElicitation].Value);
    }

    [Theory]
    [InlineData(0.0, Verdict.Organic)]
    [InlineData(0.7499, Verdict.Organic)]
    [InlineData(0.75, Verdict.Suspicious)]
    [InlineData(0.8999, Verdict.Suspicious)]
    [InlineData(0.9, Verdict.Campaign)]
    [InlineData(1.0, Verdict.Campaign)]
    public void VerdictFor_DefaultThresholds_MapsAsDocumented(double risk, Verdict expected)
    {
        Assert.Equal(expected, new RiskModel(new RiskModelOptions()).VerdictFor(risk));
    }

    [Theory]
    [InlineData(0.19, Verdict.Organic)]
    [InlineData(0.2, Verdict.Suspicious)]
    [InlineData(0.69, Verdict.Suspicious)]
    [InlineData(0.7, Verdict.Campaign)]
    public void VerdictFor_ConfiguredThresholds_AreInclusiveLowerBounds(double risk, Verdict expected)
    {
        var model = new RiskModel(new RiskModelOptions { SuspiciousThreshold = 0.2, CampaignThreshold = 0.7 });
        Assert.Equal(expected, model.VerdictFor(risk));
    }

    [Fact]
    public void Evaluate_RiskExactlyAtSuspiciousThreshold_IsSuspicious()
    {
        // Bias 0 and no evidence: risk is σ(0) = 0.5 exactly, the threshold.
        var assessment = Evaluate(new RiskModel(new RiskModelOptions { Bias = 0, SuspiciousThreshold = 0.5 }), new float[Signals]);
        Assert.Equal(0.5f, assessment.Risk);
        Assert.Equal(Verdict.Suspicious, assessment.Verdict);
    }

    [Property(MaxTest = 200)]
    public bool Evaluate_Verdict_AgreesWithTheThresholds(ushort[] rawValues, ushort[] rawWeights, sbyte bias)
    {
        var options = NonNegativeModel(rawWeights, bias);
        var assessment = Evaluate(new RiskModel(options), Values(rawValues));
        double risk = assessment.Risk;

        // Away from the thresholds (float rounding of the risk), the verdict is the documented band.
        if (Math.Abs(risk - options.SuspiciousThreshold) < 1e-6 || Math.Abs(risk - options.CampaignThreshold) < 1e-6)
        {
            return true;
        }

        var expected = risk >= options.CampaignThreshold ? Verdict.Campaign : risk >= options.SuspiciousThreshold ? Verdict.Suspicious : Verdict.Organic;
        return assessment.Verdict == expected;
    }

    [Fact]
    public void Observe_Assessment_HasOneSignalPerRiskSignalInEnumOrder()
    {
        var engine = TestEngine.Create();
        var assessment = engine.Observe(engine.Account(1), new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var all = Enum.GetValues<RiskSignal>();

        Assert.Equal(RiskSignalNames.Count, all.Length);
        Assert.Equal(all.Length, assessment.Signals.Length);
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal((RiskSignal)i, all[i]);
            Assert.Equal(all[i], assessment.Signals[i].Signal);
            Assert.Equal(assessment.Signals[i], assessment[all[i]]);
            Assert.InRange(assessment.Signals[i].Value, 0f, 1f);
        }
    }

    [Fact]
    public void GetName_EverySignal_HasADistinctSnakeCaseName()
    {
        var names = Enum.GetValues<RiskSignal>().Select(RiskSignalNames.GetName).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches(SnakeCase(), name));
        Assert.Equal("cot_elicitation", RiskSignalNames.GetName(RiskSignal.CotElicitation));
        Assert.Equal(RiskSignalNames.GetName(RiskSignal.Volume), new SignalScore(RiskSignal.Volume, 0, 0).Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskSignalNames.GetName((RiskSignal)RiskSignalNames.Count));
    }

    [Fact]
    public void RiskWeights_Defaults_AreNonNegative()
    {
        var weights = new RiskWeights();
        Assert.All(Enum.GetValues<RiskSignal>(), s => Assert.True(weights[s] >= 0, $"{s} weight {weights[s]}"));
    }

    /// <summary>
    /// The calibration tool writes the defaults it fitted into benchmarks/results/calibration.md; the code's
    /// defaults must be the same numbers, or the committed evaluation no longer describes the shipped model.
    /// </summary>
    [Fact]
    public void RiskWeights_Defaults_MatchCommittedCalibration()
    {
        string path = Path.Combine(RepositoryRoot(), "benchmarks", "results", "calibration.md");
        Assert.True(File.Exists(path), $"no calibration report at {path}");

        var defaults = new RiskModelOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            var match = ParameterRow().Match(line);
            if (!match.Success)
            {
                continue;
            }

            string name = match.Groups["name"].Value;
            double committed = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            double actual;
            if (match.Groups["weight"].Success)
            {
                string weight = match.Groups["weight"].Value;
                Assert.True(Enum.TryParse<RiskSignal>(weight, out var signal), $"calibration names unknown weight {weight}");
                Assert.Equal(RiskSignalNames.GetName(signal), match.Groups["snake"].Value);
                actual = defaults.Weights[signal];
                name = "Weights." + weight;
            }
            else
            {
                actual = name switch
                {
                    "Bias" => defaults.Bias,
                    "SuspiciousThreshold" => defaults.SuspiciousThreshold,
                    "CampaignThreshold" => defaults.CampaignThreshold,
                    _ => double.NaN,
                };
            }

            Assert.True(seen.Add(name), $"{name} appears twice in {path}");
            if (actual != committed)
            {
                mismatches.Add($"{name}: calibration {committed}, default {actual}");
            }
        }

        // IndicatorMatch is set by design, not fitted (the corpora carry no feed), so the calibration does not list it.
        var expected = Enum.GetValues<RiskSignal>().Where(s => s != RiskSignal.IndicatorMatch).Select(s => "Weights." + s).Concat(["Bias", "SuspiciousThreshold", "CampaignThreshold"]).ToHashSet(StringComparer.Ordinal);
        Assert.True(expected.SetEquals(seen), $"calibration rows: {string.Join(", ", seen.Order(StringComparer.Ordinal))}");
        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AntiDistill.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"AntiDistill.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\|\s*(?:Weights\.(?<weight>[A-Za-z]+)\s*\(`(?<snake>[a-z_]+)`\)|(?<name>Bias|SuspiciousThreshold|CampaignThreshold))\s*\|\s*(?<value>-?[0-9]+(?:\.[0-9]+)?)\s*\|\s*$")]
    private static partial Regex ParameterRow();

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();
}
