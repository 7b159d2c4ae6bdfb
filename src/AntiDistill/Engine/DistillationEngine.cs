using System.Security.Cryptography;

namespace AntiDistill;

/// <summary>
/// The AntiDistill engine: folds each request into its account's state and says how risky the account
/// now looks. One instance serves the middleware (online) and the analyzer (replaying logs).
/// Thread-safe; <see cref="Observe(in Observation)"/> allocates nothing for an account it already tracks.
/// </summary>
public sealed class DistillationEngine
{
    private readonly PromptFeatureExtractor _extractor;
    private readonly AccountStore _accounts;
    private readonly RiskModel _risk;
    private readonly TimeProvider _time;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Validated options (see <see cref="AntiDistillationOptions"/>).</param>
    /// <param name="timeProvider">The clock for observations without a timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="extractor">The feature extractor; <see cref="PromptFeatureExtractor.Default"/> by default.</param>
    public DistillationEngine(AntiDistillationOptions options, TimeProvider? timeProvider = null, PromptFeatureExtractor? extractor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _extractor = extractor ?? PromptFeatureExtractor.Default;
        _accounts = new AccountStore(options.Accounts);
        _risk = new RiskModel(options.Risk);
        _time = timeProvider ?? TimeProvider.System;
        Identities = new IdentityHasher(options.IdentityKey is { } key ? Convert.FromBase64String(key) : RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Hashes customer identifiers with this engine's identity key.</summary>
    public IdentityHasher Identities { get; }

    /// <summary>Accounts currently tracked.</summary>
    public int TrackedAccounts => _accounts.Count;

    /// <summary>Folds one request into its account and returns the account's assessment after it.</summary>
    /// <exception cref="ArgumentException">The observation has no account.</exception>
    public Assessment Observe(scoped in Observation observation)
    {
        if (!observation.Account.IsValid)
        {
            throw new ArgumentException("The observation has no account.", nameof(observation));
        }

        _extractor.Extract(observation.Prompt, observation.SystemPrompt, observation.ToolCount, out PromptFeatures features);
        return Observe(observation, features);
    }

    /// <summary>Like <see cref="Observe(in Observation)"/> for features extracted beforehand (e.g. on another thread).</summary>
    public Assessment Observe(scoped in Observation observation, in PromptFeatures features)
    {
        DateTimeOffset at = observation.Timestamp == default ? _time.GetUtcNow() : observation.Timestamp;
        long ms = at.ToUnixTimeMilliseconds();
        Span<float> values = stackalloc float[RiskSignalNames.Count];
        var assessment = new Assessment { Account = observation.Account };

        using (_accounts.EnterForUpdate(observation.Account, out var state))
        {
            state.Observe(ms, features, observation, _risk.Options.HighOutputBudget);
            state.ComputeSignals(_risk.Options, values);
            assessment.Requests = state.Requests;
        }

        _risk.Evaluate(values, ref assessment);
        return assessment;
    }

    /// <summary>The current assessment of an account without observing anything; false when it is not tracked.</summary>
    public bool TryAssess(AccountId account, out Assessment assessment)
    {
        Span<float> values = stackalloc float[RiskSignalNames.Count];
        assessment = new Assessment { Account = account };
        using (_accounts.EnterForRead(account, out var state))
        {
            if (state is null)
            {
                return false;
            }

            state.ComputeSignals(_risk.Options, values);
            assessment.Requests = state.Requests;
        }

        _risk.Evaluate(values, ref assessment);
        return true;
    }

    /// <summary>Forgets accounts idle longer than <see cref="AccountStoreOptions.IdleTimeout"/>; call periodically, off the request path.</summary>
    /// <returns>How many accounts were forgotten.</returns>
    public int EvictIdle() => _accounts.EvictIdle(_time.GetUtcNow().ToUnixTimeMilliseconds());
}
