using System.Globalization;
using System.Text;

namespace AntiDistill.Tests;

/// <summary>Engines with a fixed identity key, and one-line observations, for tests that drive the engine.</summary>
internal static class TestEngine
{
    /// <summary>A fixed 32-byte identity key (base64), so account hashes and shard placement are the same on every run.</summary>
    public static readonly string Key = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    public static readonly byte[] OrdinaryPrompt = TestText.Utf8("what is the best way to learn about houseplants");

    public static AntiDistillationOptions Options(Action<AntiDistillationOptions>? configure = null)
    {
        var options = new AntiDistillationOptions { IdentityKey = Key };
        configure?.Invoke(options);
        return options;
    }

    public static DistillationEngine Create(Action<AntiDistillationOptions>? configure = null, TimeProvider? time = null) =>
        new(Options(configure), time);

    /// <summary>Observes an ordinary single-turn chat request (at the engine's clock unless a timestamp is given).</summary>
    public static Assessment Observe(this DistillationEngine engine, AccountId account, DateTimeOffset timestamp = default) =>
        engine.Observe(new Observation { Account = account, Timestamp = timestamp, Prompt = OrdinaryPrompt, TurnCount = 1 });

    /// <summary>The account named <c>acct-{i}</c> under the engine's key.</summary>
    public static AccountId Account(this DistillationEngine engine, int i) =>
        engine.Identities.Account(string.Create(CultureInfo.InvariantCulture, $"acct-{i}"));

    /// <summary>An assessment in one line: risk, verdict, requests and every signal's value and contribution.</summary>
    public static string Describe(in Assessment assessment)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"risk={assessment.Risk:0.000} verdict={assessment.Verdict} requests={assessment.Requests} signals:");
        foreach (var s in assessment.Signals)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {s.Name}={s.Value:0.000}({s.Contribution:+0.000;-0.000})");
        }

        return sb.ToString();
    }
}
