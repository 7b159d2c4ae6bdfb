using System.Diagnostics;
using System.Diagnostics.Metrics;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The <c>AntiDistill</c> meter. Tags are low-cardinality by construction (policy names, actions, verdicts,
/// statuses): no account, key, cluster or IP ever becomes a tag.
/// </summary>
internal sealed class AntiDistillationMetrics
{
    public const string MeterName = AntiDistillationTelemetry.MeterName;

    // Boxed once: a bool tag would otherwise allocate on every request.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _risk;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _linked;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _clientFaults;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _reasoningWithheld;
    private readonly Counter<long> _thinkingWithheld;
    private readonly Counter<long> _captured;
    private readonly Counter<long> _captureDropped;

    /// <param name="meterFactory">Creates the <c>AntiDistill</c> meter.</param>
    /// <param name="engine">The engine whose state the observable instruments report; none without it (unit tests).</param>
    /// <param name="linkage">The background linkage's progress, for <c>antidistill.linkage.last_pass_age</c>.</param>
    public AntiDistillationMetrics(IMeterFactory meterFactory, DistillationEngine? engine = null, LinkageStatus? linkage = null)
    {
        var meter = meterFactory.Create(MeterName);
        if (engine is not null)
        {
            CreateStateInstruments(meter, engine, linkage);
        }

        _requests = meter.CreateCounter<long>("antidistill.requests", "{request}",
            "Requests seen by the middleware, by policy, the action the policy called for, verdict, and whether the policy was in shadow mode.");
        _risk = meter.CreateHistogram<double>("antidistill.risk", unit: null,
            "Risk of scored requests' accounts (0 to 1).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0] });
        _tokens = meter.CreateCounter<long>("antidistill.tokens_charged", "{token}",
            "Estimated tokens charged to the risk-aware rate limiters by throttled requests.");
        _rejections = meter.CreateCounter<long>("antidistill.rejections", "{request}",
            "Requests refused by the middleware, by reason.");
        _linked = meter.CreateCounter<long>("antidistill.linkage.processed", "{request}",
            "Requests folded into account linkage by the background service.");
        _conflicts = meter.CreateCounter<long>("antidistill.credential_conflicts", "{request}",
            "Requests carrying two API keys that disagree, by policy (refused or scored as the policy says).");
        _clientFaults = meter.CreateCounter<long>("antidistill.client_faults", "{request}",
            "Requests whose body the server would not deliver (too large, too slow, connection gone), by policy and kind.");
        _responses = meter.CreateCounter<long>("antidistill.responses", "{response}",
            "Responses to scored requests, by policy, request format and how reading them went (ok, no_usage, malformed, aborted, encoded, not_read).");
        _reasoningWithheld = meter.CreateCounter<long>("antidistill.reasoning.withheld", "{token}",
            "Reasoning tokens withheld from responses (reasoning text blanked), by policy and request format.");
        _thinkingWithheld = meter.CreateCounter<long>("antidistill.reasoning.requests_withheld", "{request}",
            "Anthropic requests whose thinking was turned off to withhold reasoning, by policy.");
        _captured = meter.CreateCounter<long>("antidistill.capture.written", "{record}",
            "Scored requests written to the request capture files (request-log v1).");
        _captureDropped = meter.CreateCounter<long>("antidistill.capture.dropped", "{record}",
            "Scored requests request capture did not write, by reason (queue_full, too_large, io_error, bad_body, stopped).");
    }

    /// <summary>
    /// What the engine holds, read at each collection from counters the engine keeps (O(account shards), no lock, nothing
    /// scanned per account): additive across nodes, hence up-down counters rather than gauges.
    /// </summary>
    private static void CreateStateInstruments(Meter meter, DistillationEngine engine, LinkageStatus? linkage)
    {
        meter.CreateObservableUpDownCounter("antidistill.accounts", () => engine.TrackedAccounts, "{account}",
            "Accounts the engine tracks on this node (bounded by Accounts:MaxAccounts; idle ones are evicted).");
        meter.CreateObservableUpDownCounter("antidistill.accounts.flagged", () => new Measurement<int>[]
            {
                new(engine.CountAccounts(Verdict.Suspicious), new KeyValuePair<string, object?>("antidistill.verdict", "suspicious")),
                new(engine.CountAccounts(Verdict.Campaign), new KeyValuePair<string, object?>("antidistill.verdict", "campaign")),
            }, "{account}",
            "Tracked accounts whose latest request was assessed suspicious or campaign (alone or through their cluster), by verdict.");
        meter.CreateObservableUpDownCounter("antidistill.clusters", () => engine.ClusterCount, "{cluster}",
            "Clusters of linked accounts in this node's linkage graph.");
        meter.CreateObservableUpDownCounter("antidistill.linkage.backlog", () => engine.LinkageBacklog, "{request}",
            "Requests scored and waiting to be linked (at Linkage:QueueCapacity further ones are dropped from linkage).");
        meter.CreateObservableCounter("antidistill.linkage.dropped", () => engine.LinkageDropped, "{request}",
            "Requests dropped from linkage because its queue was full, since start (scoring is never dropped).");
        if (linkage is not null)
        {
            meter.CreateObservableGauge("antidistill.linkage.last_pass_age", () => linkage.SinceLastPass.TotalSeconds, "s",
                "Time since the background linkage last completed a pass (one every Http:LinkageInterval when it keeps up).");
        }
    }

    public static string ActionName(AntiDistillationAction action) => action switch
    {
        AntiDistillationAction.Allow => "allow",
        AntiDistillationAction.Annotate => "annotate",
        AntiDistillationAction.Throttle => "throttle",
        AntiDistillationAction.Degrade => "degrade",
        AntiDistillationAction.Challenge => "challenge",
        AntiDistillationAction.Block => "block",
        AntiDistillationAction.Custom => "custom",
        _ => "unknown",
    };

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Organic => "organic",
        Verdict.Suspicious => "suspicious",
        Verdict.Campaign => "campaign",
        _ => "unknown",
    };

    public static string StatusName(RequestReadStatus status) => status switch
    {
        RequestReadStatus.Ok => "ok",
        RequestReadStatus.NotJson => "not_json",
        RequestReadStatus.UnexpectedShape => "unexpected_shape",
        RequestReadStatus.TooLarge => "too_large",
        _ => "unknown",
    };

    public static string FormatName(RequestFormat format) => format switch
    {
        RequestFormat.OpenAIChatCompletions => "chat_completions",
        RequestFormat.OpenAIResponses => "responses",
        RequestFormat.AnthropicMessages => "messages",
        RequestFormat.Custom => "custom",
        _ => "unknown",
    };

    public static string ResponseStatusName(ResponseReadStatus status) => status switch
    {
        ResponseReadStatus.Ok => "ok",
        ResponseReadStatus.NoUsage => "no_usage",
        ResponseReadStatus.Malformed => "malformed",
        ResponseReadStatus.Aborted => "aborted",
        ResponseReadStatus.Encoded => "encoded",
        _ => "not_read",
    };

    public static string ReasonName(RejectionReason reason) => reason switch
    {
        RejectionReason.Throttled => "throttled",
        RejectionReason.Challenged => "challenged",
        RejectionReason.Blocked => "blocked",
        RejectionReason.BadBody => "bad_body",
        RejectionReason.MissingCredential => "missing_credential",
        RejectionReason.ConflictingCredentials => "conflicting_credentials",
        _ => "unknown",
    };

    /// <remarks><paramref name="action"/> is the action's tag name (<see cref="ActionName"/>, or a host handler's registered name).</remarks>
    public void Scored(string policy, string action, Verdict verdict, bool shadow, float risk)
    {
        if (_requests.Enabled)
        {
            var tags = new TagList
            {
                { "antidistill.policy", policy },
                { "antidistill.action", action },
                { "antidistill.verdict", VerdictName(verdict) },
                { "antidistill.shadow", shadow ? BoxedTrue : BoxedFalse },
            };
            _requests.Add(1, tags);
        }

        if (_risk.Enabled)
        {
            _risk.Record(risk, new KeyValuePair<string, object?>("antidistill.policy", policy));
        }
    }

    /// <summary>A request let through without a score (no account, or a body that could not be read).</summary>
    public void Unscored(string policy, string reason)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1,
                new KeyValuePair<string, object?>("antidistill.policy", policy),
                new KeyValuePair<string, object?>("antidistill.action", "unscored"),
                new KeyValuePair<string, object?>("antidistill.unscored_reason", reason));
        }
    }

    public void Rejected(string policy, RejectionReason reason) => _rejections.Add(1,
        new KeyValuePair<string, object?>("antidistill.policy", policy),
        new KeyValuePair<string, object?>("antidistill.reason", ReasonName(reason)));

    public void TokensCharged(string policy, long tokens) => _tokens.Add(tokens, new KeyValuePair<string, object?>("antidistill.policy", policy));

    public void CredentialConflict(string policy) => _conflicts.Add(1, new KeyValuePair<string, object?>("antidistill.policy", policy));

    public void ClientFault(string policy, string kind) => _clientFaults.Add(1,
        new KeyValuePair<string, object?>("antidistill.policy", policy),
        new KeyValuePair<string, object?>("antidistill.fault", kind));

    public void Linked(int processed) => _linked.Add(processed);

    public void Response(string policy, RequestFormat format, ResponseReadStatus status)
    {
        if (_responses.Enabled)
        {
            _responses.Add(1,
                new KeyValuePair<string, object?>("antidistill.policy", policy),
                new KeyValuePair<string, object?>("antidistill.format", FormatName(format)),
                new KeyValuePair<string, object?>("antidistill.response", ResponseStatusName(status)));
        }
    }

    public void ReasoningWithheld(string policy, RequestFormat format, long tokens) => _reasoningWithheld.Add(tokens,
        new KeyValuePair<string, object?>("antidistill.policy", policy),
        new KeyValuePair<string, object?>("antidistill.format", FormatName(format)));

    public void ThinkingWithheld(string policy) => _thinkingWithheld.Add(1, new KeyValuePair<string, object?>("antidistill.policy", policy));

    public void CaptureWritten(int records) => _captured.Add(records);

    public void CaptureDropped(CaptureDropReason reason, int records = 1) => _captureDropped.Add(records,
        new KeyValuePair<string, object?>("antidistill.reason", CaptureReasonName(reason)));

    public static string CaptureReasonName(CaptureDropReason reason) => reason switch
    {
        CaptureDropReason.QueueFull => "queue_full",
        CaptureDropReason.TooLarge => "too_large",
        CaptureDropReason.IoError => "io_error",
        CaptureDropReason.BadBody => "bad_body",
        _ => "stopped",
    };
}
