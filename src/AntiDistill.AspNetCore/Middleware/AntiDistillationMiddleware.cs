using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Scores each request to a protected endpoint and applies its policy. Placed after routing (it reads
/// endpoint metadata) and authentication (it reads claims), like the rate limiting middleware.
/// </summary>
[SkipLocalsInit]
internal sealed partial class AntiDistillationMiddleware
{
    internal const string RiskHeader = "AntiDistill-Risk";
    internal const string VerdictHeader = "AntiDistill-Verdict";
    private const ulong ClientFaultGateKey = 0xC11E47FA01750000UL;

    [ThreadStatic]
    private static RequestContent? t_content;

    private readonly RequestDelegate _next;
    private readonly DistillationEngine _engine;
    private readonly HttpOptionsSnapshot _options;
    private readonly IAntiDistillationPolicyProvider _policies;
    private readonly RequestBodyReader _reader;
    private readonly IRequestFormatReader[] _formats;
    private readonly CallerResolver _callers;
    private readonly AccountProfileCache? _profiles;
    private readonly RequestThrottle _throttle;
    private readonly ActionHandlers _actions;
    private readonly IDegradeRequestRewriter[] _rewriters;
    private readonly Rejections _rejections;
    private readonly AntiDistillationMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogRateGate _logGate;
    private readonly RequestCapture? _capture;
    private readonly EndpointMarksCache _marks = new();

    // Misordered pipelines (UseAntiDistillation before UseRouting) are found at run time: a request that enters without
    // an endpoint and leaves with one. Checked until a request arrives with an endpoint (routing runs first), or reported once.
    private volatile bool _routingChecked;

    public AntiDistillationMiddleware(RequestDelegate next, IServiceProvider services, ILogger<AntiDistillationMiddleware> logger)
    {
        _next = next;
        _engine = services.GetRequiredService<DistillationEngine>();
        _options = services.GetRequiredService<HttpOptionsSnapshot>();
        _policies = services.GetRequiredService<IAntiDistillationPolicyProvider>();
        _formats = [.. services.GetServices<IRequestFormatReader>()];
        _reader = new RequestBodyReader(_formats);
        _callers = services.GetRequiredService<CallerResolver>();
        _profiles = services.GetService<AccountProfileCache>();
        _throttle = services.GetRequiredService<RequestThrottle>();
        _actions = services.GetRequiredService<ActionHandlers>();
        _rewriters = DegradeRewriters.Ordered(services.GetServices<IDegradeRequestRewriter>());
        _rejections = services.GetRequiredService<Rejections>();
        _metrics = services.GetRequiredService<AntiDistillationMetrics>();
        _logger = logger;
        _logGate = new LogRateGate(services.GetService<TimeProvider>() ?? TimeProvider.System);
        _capture = services.GetService<RequestCapture>();
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is { } endpoint)
        {
            _routingChecked = true;
            return InvokeCore(context, _marks.Get(endpoint));
        }

        return _routingChecked ? InvokeCore(context, EndpointMarks.None) : InvokeCheckingRoutingAsync(context);
    }

    /// <summary>A request that met no endpoint: if routing picks one after us, the endpoint's policy was never seen.</summary>
    private async Task InvokeCheckingRoutingAsync(HttpContext context)
    {
        try
        {
            await InvokeCore(context, EndpointMarks.None).ConfigureAwait(false);
        }
        finally
        {
            if (context.GetEndpoint() is { } late && EndpointMarks.Of(late) is { } marks && (marks.Disabled || marks.Require is not null) && !_routingChecked)
            {
                _routingChecked = true;
                Log.RoutingAfterMiddleware(_logger, late.DisplayName);
            }
        }
    }

    private Task InvokeCore(HttpContext context, EndpointMarks marks)
    {
        if (marks.Disabled || !HasBody(context.Request.Method))
        {
            return _next(context);
        }

        var options = _options.Current;
        var require = marks.Require;
        if (require is null && !(options.ScoreUnmarkedEndpoints && ClaimsPath(context.Request.Path)))
        {
            return _next(context);
        }

        string name = require?.PolicyName ?? options.DefaultPolicy;
        if (!_policies.TryGetPolicy(name, out var policy))
        {
            // A route naming a policy that a reload removed: keep serving under the default rather than fail every request.
            Log.UnknownPolicy(_logger, name, options.DefaultPolicy);
            name = options.DefaultPolicy;
            policy = _policies.GetDefaultPolicy();
        }

        return ScoreAsync(context, name, policy, options);
    }

    private static bool HasBody(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method);

    private bool ClaimsPath(PathString path)
    {
        var span = (path.Value ?? string.Empty).AsSpan();
        foreach (var format in _formats)
        {
            if (format.MatchesPath(span))
            {
                return true;
            }
        }

        return false;
    }

    private Task ScoreAsync(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options)
    {
        // Upstreams may trust these headers (annotate sets them): a client must not be able to send its own.
        var headers = context.Request.Headers;
        headers.Remove(RiskHeader);
        headers.Remove(VerdictHeader);

        var status = _callers.Resolve(context, options, out var caller);
        if (status != CallerStatus.Resolved && Unresolved(context, name, policy, options, status, ref caller) is { } handled)
        {
            return handled;
        }

        if (_profiles is not null)
        {
            return ScoreWithProfileAsync(context, name, policy, options, caller);
        }

        return ReadAndDecide(context, name, policy, options, caller);
    }

    /// <summary>
    /// A request without a credential, or with two that disagree: refused (when the policy enforces and says so), let
    /// through unscored, or scored under a stand-in account (null: go on scoring with <paramref name="caller"/>).
    /// </summary>
    private Task? Unresolved(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options,
        CallerStatus status, ref ResolvedCaller caller)
    {
        if (status == CallerStatus.ConflictingCredentials)
        {
            _metrics.CredentialConflict(name);
            Log.ConflictingCredentials(_logger, context.Request.Path.Value, name, policy.ConflictingCredentials);
            return policy.ConflictingCredentials == CredentialConflictHandling.Reject && !policy.Shadow
                ? RefuseAsync(context, name, policy, RejectionReason.ConflictingCredentials, Rejections.ConflictingCredentials(), caller.Account, options)
                : null; // scored under the Authorization key
        }

        var handling = policy.MissingCredentialOrDefault;
        Log.NoAccount(_logger, context.Request.Path.Value, handling);
        if (handling == MissingCredentialHandling.ScoreByNetwork)
        {
            caller.Account = CallerResolver.NetworkAccount(caller.Client.IpPrefix);
            return null;
        }

        if (handling == MissingCredentialHandling.Reject && !policy.Shadow)
        {
            return RefuseAsync(context, name, policy, RejectionReason.MissingCredential, Rejections.MissingCredential(), default, options);
        }

        _metrics.Unscored(name, "no_account");
        AntiDistillationTracing.Unscored(name, "no_account");
        return _next(context);
    }

    private async Task ScoreWithProfileAsync(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options,
        ResolvedCaller caller)
    {
        if (await _profiles!.GetAsync(context, caller.Account, options).ConfigureAwait(false) is { } profile)
        {
            Apply(profile, ref caller);
        }

        await ReadAndDecide(context, name, policy, options, caller).ConfigureAwait(false);
    }

    /// <summary>
    /// Scores the body where the server holds it when it has arrived whole (Kestrel usually has a small body by the
    /// time the middleware runs): no copy, no replacement stream, and nothing consumed, so the endpoint reads the body
    /// as sent. Otherwise reads it into a <see cref="BufferedBody"/>, which the endpoint then reads instead.
    /// </summary>
    private Task ReadAndDecide(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options,
        in ResolvedCaller caller)
    {
        var reader = context.Request.BodyReader;
        ReadResult peeked;
        bool read;
        try
        {
            read = reader.TryRead(out peeked);
        }
        catch (Exception e) when (IsClientFault(e, context))
        {
            return ClientFault(context, name, e);
        }

        if (read)
        {
            var whole = peeked.Buffer;
            if (peeked.IsCompleted && !peeked.IsCanceled && whole.Length <= options.MaxBodyBytes)
            {
                ScoreOutcome outcome;
                try
                {
                    outcome = ScoreInPlace(context, whole, caller, name, policy);
                }
                finally
                {
                    reader.AdvanceTo(whole.Start); // consumed nothing, examined nothing: the next read returns it all again
                }

                return Act(context, name, policy, options, outcome);
            }

            reader.AdvanceTo(whole.Start);
        }

        // Like ASP.NET Core's rate limiting middleware: no async state machine while everything completes at once,
        // and the awaited path only when it does not (a body still arriving).
        var buffered = BufferedBody.ReadAsync(context, options.MaxBodyBytes);
        return buffered.IsCompletedSuccessfully
            ? Act(context, name, policy, options, ScoreBuffered(context, buffered.Result, caller, name, policy))
            : ScoreAwaitedAsync(context, name, policy, options, caller, buffered);
    }

    private async Task ScoreAwaitedAsync(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options,
        ResolvedCaller caller, ValueTask<BufferedBody?> read)
    {
        BufferedBody? body;
        try
        {
            body = await read.ConfigureAwait(false);
        }
        catch (Exception e) when (IsClientFault(e, context))
        {
            // Too large for the server, too slow, or gone mid-body: the client's fault, answered with the server's status.
            await ClientFault(context, name, e).ConfigureAwait(false);
            return;
        }

        await Act(context, name, policy, options, ScoreBuffered(context, body, caller, name, policy)).ConfigureAwait(false);
    }

    /// <summary>Carries out the policy's action for a scored (or unscorable) body; synchronous up to the next middleware.</summary>
    private Task Act(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options, in ScoreOutcome outcome)
    {
        if (outcome.Feature is not { } feature)
        {
            return BadBodyAsync(context, name, policy, options, outcome.Status, outcome.Account);
        }

        context.Features.Set<IAntiDistillationFeature>(feature);
        ref readonly var assessment = ref feature.Scored;
        var action = outcome.Action!;
        _metrics.Scored(name, action.TagName, assessment.Verdict, policy.Shadow, assessment.Risk);
        AntiDistillationTracing.Scored(name, policy, action.TagName, assessment.Verdict, assessment.Risk);
        if (action.Action != AntiDistillationAction.Allow)
        {
            LogDecision(name, action, assessment, policy.Shadow);
        }

        if (policy.Shadow)
        {
            return Serve(context, name, feature);
        }

        // One call for every action, built-in or the host's: the band's handler was bound to the policy once, not looked up here.
        var handled = action.Handler.HandleAsync(new AntiDistillationActionContext(this, context, name, policy, feature, options, action.TagName, outcome.EstimatedTokens));
        if (handled.IsCompletedSuccessfully)
        {
            return handled.Result ? Serve(context, name, feature) : Refused(feature);
        }

        return ServeAfterHandlerAsync(handled, context, name, feature);
    }

    /// <remarks>
    /// Only for handlers that do not complete at once (a throttled request that waits for its endpoint, a host's handler
    /// that awaits): allow, annotate and degrade complete synchronously, so the common path adds no state machine.
    /// </remarks>
    private async Task ServeAfterHandlerAsync(ValueTask<bool> handled, HttpContext context, string name, AntiDistillationFeature feature)
    {
        if (await handled.ConfigureAwait(false))
        {
            await Serve(context, name, feature).ConfigureAwait(false);
        }
        else
        {
            CaptureRefused(feature);
        }
    }

    /// <summary>A request its action's handler finished without the endpoint: captured without a served half.</summary>
    private Task Refused(AntiDistillationFeature feature)
    {
        CaptureRefused(feature);
        return Task.CompletedTask;
    }

    /// <summary>The throttle action: the limiter, then 429 or the endpoint run here (its lease settles with what it served); always false.</summary>
    internal async ValueTask<bool> ThrottleAsync(AntiDistillationActionContext action)
    {
        var context = action.HttpContext;
        string name = action.PolicyName;
        var feature = action.ScoredFeature;
        (bool Acquired, TimeSpan? RetryAfter, RateLimiting.RiskPartitionKey Key) lease;
        try
        {
            lease = await _throttle.AcquireAsync(context, new ScoreOutcome { Feature = feature, EstimatedTokens = action.EstimatedTokens }, name).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return false; // the client left while its request waited for the limiter: nobody to answer
        }

        if (!lease.Acquired)
        {
            await RejectAsync(context, name, action.Policy, RejectionReason.Throttled, Rejections.Throttled(), lease.RetryAfter ?? action.Policy.RetryAfter, action.Options)
                .ConfigureAwait(false);
            return false;
        }

        await ServeAsync(context, name, feature, lease.Key).ConfigureAwait(false);
        return false;
    }

    /// <summary>A scored request refused by its action's handler (<see cref="AntiDistillationActionContext.RejectAsync"/>).</summary>
    internal Task RejectScoredAsync(in AntiDistillationActionContext action, RejectionReason reason, Microsoft.AspNetCore.Mvc.ProblemDetails problem, TimeSpan? retryAfter) =>
        RejectAsync(action.HttpContext, action.PolicyName, action.Policy, reason, problem, retryAfter, action.Options);

    private ScoreOutcome ScoreBuffered(HttpContext context, BufferedBody? body, in ResolvedCaller caller, string name, AntiDistillationPolicy policy) =>
        body is null || body.TooLarge
            ? new ScoreOutcome { Status = RequestReadStatus.TooLarge, Account = caller.Account }
            : Score(context, body.Span, caller, name, policy);

    /// <summary>Scores a body still in the server's buffer; one in several segments is copied into a pooled array first.</summary>
    private ScoreOutcome ScoreInPlace(HttpContext context, in ReadOnlySequence<byte> body, in ResolvedCaller caller, string name, AntiDistillationPolicy policy)
    {
        if (body.IsSingleSegment)
        {
            return Score(context, body.FirstSpan, caller, name, policy);
        }

        int length = (int)body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(rented);
            return Score(context, rented.AsSpan(0, length), caller, name, policy);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads and scores synchronously (no await between reading into the thread's content buffers and observing).</summary>
    /// <remarks>
    /// Not inlined into its callers: the observation temporaries inlined with it hold spans, which the JIT must zero
    /// in the prolog of whichever method frames them; inlined, the caller's prolog zeroed 1,152 bytes, alone 576.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ScoreOutcome Score(HttpContext context, ReadOnlySpan<byte> body, in ResolvedCaller caller, string name, AntiDistillationPolicy policy)
    {
        var content = t_content ??= new RequestContent();
        var status = _reader.Read(body, (context.Request.Path.Value ?? string.Empty).AsSpan(), content);
        if (status != RequestReadStatus.Ok)
        {
            return new ScoreOutcome { Status = status, Account = caller.Account };
        }

        var feature = new AntiDistillationFeature(name, status, content.Format, policy.Shadow, scored: true) { Conversation = content.Conversation };

        // Captured requests are observed at the time their log line carries, so a replay sees what the engine saw.
        var at = _capture?.Now() ?? default;
        feature.Scored = _engine.Observe(content.ToObservation(caller.Account, caller.Client, at, caller.ApiKey, caller.Organization));
        if (_capture is not null)
        {
            feature.Capture = _capture.Begin(at, body, context.Request.Path.Value, caller);
        }

        var resolved = _actions.For(policy, feature.Scored.Risk);
        var action = feature.Action = resolved.Action;
        feature.ActionName = resolved.TagName;
        bool withhold = feature.WithholdsReasoning = !policy.Shadow && policy.WithholdsReasoning(feature.Scored.Risk);

        // Anthropic reasoning is withheld request-side: its thinking blocks are signed and cannot be stripped from the response.
        bool thinkingOff = withhold && content.Format == RequestFormat.AnthropicMessages && content.ReasoningRequested;
        if (action == AntiDistillationAction.Degrade && !policy.Shadow)
        {
            Degrade(context, body, content.Format, policy, thinkingOff);
        }
        else if (thinkingOff)
        {
            WithholdThinking(context, body, name);
        }

        return new ScoreOutcome
        {
            Status = status,
            Feature = feature,
            Action = resolved,

            // Estimated here, while the content is still this thread's: only throttled requests pay for it.
            EstimatedTokens = action == AntiDistillationAction.Throttle && !policy.Shadow ? _throttle.Estimate(content) : 0,
        };
    }

    private static void Apply(HashedProfile profile, ref ResolvedCaller caller)
    {
        if (profile.Account.IsValid)
        {
            caller.Account = profile.Account;
        }

        caller.Organization = profile.Organization;
        caller.Client = caller.Client with
        {
            Payment = profile.Payment,
            Device = profile.Device,
            EmailDomain = profile.EmailDomain,
            AccountCreated = profile.Created,
        };
    }

    private async Task BadBodyAsync(HttpContext context, string name, AntiDistillationPolicy policy, AntiDistillationHttpOptions options,
        RequestReadStatus status, AccountId account)
    {
        context.Features.Set<IAntiDistillationFeature>(new AntiDistillationFeature(name, status, RequestFormat.Unknown, policy.Shadow, scored: false));
        _metrics.Unscored(name, AntiDistillationMetrics.StatusName(status));
        AntiDistillationTracing.Unscored(name, AntiDistillationMetrics.StatusName(status));
        Log.BodyNotScored(_logger, name, status, context.Request.Path.Value, account);
        if (policy.BadBody == BadBodyHandling.Reject)
        {
            await RefuseAsync(context, name, policy, RejectionReason.BadBody, Rejections.BadBody(status), account, options).ConfigureAwait(false);
            return;
        }

        await _next(context).ConfigureAwait(false);
    }

    /// <summary>Refuses a scored request; its decision was logged (at a bounded rate) when it was taken, the metric counts every refusal.</summary>
    private Task RejectAsync(HttpContext context, string name, AntiDistillationPolicy policy, RejectionReason reason, Microsoft.AspNetCore.Mvc.ProblemDetails problem,
        TimeSpan? retryAfter, AntiDistillationHttpOptions options)
    {
        _metrics.Rejected(name, reason);
        return _rejections.RejectAsync(context, reason, problem, retryAfter, options, RejectionFormatFor(context, policy));
    }

    /// <summary>Refuses a request before or instead of scoring it (no credential, conflicting credentials, a bad body).</summary>
    private Task RefuseAsync(HttpContext context, string name, AntiDistillationPolicy policy, RejectionReason reason, Microsoft.AspNetCore.Mvc.ProblemDetails problem,
        AccountId account, AntiDistillationHttpOptions options)
    {
        if (_logger.IsEnabled(LogLevel.Information) && _logGate.ShouldLog(account, 100 + (int)reason, out int suppressed))
        {
            Log.Refused(_logger, name, reason, account, suppressed);
        }

        return RejectAsync(context, name, policy, reason, problem, null, options);
    }

    private void LogDecision(string name, ResolvedAction action, in Assessment assessment, bool shadow)
    {
        if (!_logger.IsEnabled(shadow ? LogLevel.Debug : LogLevel.Information)
            || !_logGate.ShouldLog(assessment.Account, (int)action.Action, out int suppressed))
        {
            return;
        }

        string reasons = DecisionReasons.Top(assessment);
        if (shadow)
        {
            Log.ShadowDecision(_logger, name, action.DisplayName, assessment.Account, assessment.Cluster, assessment.Risk, assessment.Verdict, reasons, suppressed);
        }
        else
        {
            Log.Decision(_logger, name, action.DisplayName, assessment.Account, assessment.Cluster, assessment.Risk, assessment.Verdict, reasons, suppressed);
        }
    }

    private static bool IsClientFault(Exception e, HttpContext context) =>
        e is BadHttpRequestException or IOException || (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested);

    /// <summary>
    /// A body the server would not take (over its size limit, below its minimum data rate) or a connection gone
    /// mid-body: answered with the server's status when the client can still hear it, counted, logged at Debug at a
    /// bounded rate and without a stack trace. Not an error of the host, and not a way to flood its logs.
    /// </summary>
    private Task ClientFault(HttpContext context, string name, Exception e)
    {
        int status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        (string kind, ulong gateKey) = e switch
        {
            BadHttpRequestException => ("bad_request", ClientFaultGateKey + 1),
            OperationCanceledException => ("aborted", ClientFaultGateKey + 2),
            _ => ("connection", ClientFaultGateKey + 3),
        };
        _metrics.ClientFault(name, kind);

        // Gated under a stand-in account per kind of fault: a line a minute per kind, overall 20 a second at most.
        if (_logger.IsEnabled(LogLevel.Debug) && _logGate.ShouldLog(new AccountId(gateKey), 0, out int suppressed))
        {
            Log.ClientFault(_logger, kind, e.Message, status, suppressed);
        }

        if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    /// <summary>Has the endpoint read a body rewritten by the format's degrade rewriter (smaller output budget, reasoning off per policy).</summary>
    private void Degrade(HttpContext context, ReadOnlySpan<byte> body, RequestFormat format, AntiDistillationPolicy policy, bool removeReasoning)
    {
        var path = (context.Request.Path.Value ?? string.Empty).AsSpan();
        var request = new DegradeRequest(format, policy.DegradedMaxOutputTokens, policy.DegradeRemovesReasoning || removeReasoning);
        foreach (var rewriter in _rewriters)
        {
            if (!rewriter.CanRewrite(format, path))
            {
                continue;
            }

            var output = new PooledBufferWriter(body.Length + 64);
            try
            {
                if (rewriter.TryRewrite(body, request, output))
                {
                    int written = output.Written;
                    BufferedBody.Replace(context, output.Detach(), written);
                }
            }
            finally
            {
                output.Dispose();
            }

            return;
        }
    }
}

/// <summary>What scoring one request gave: the feature (assessment and action) when the body could be scored.</summary>
internal struct ScoreOutcome
{
    public RequestReadStatus Status;
    public AntiDistillationFeature? Feature;

    /// <summary>The band's action, bound to its handler (set with <see cref="Feature"/>).</summary>
    public ResolvedAction? Action;

    /// <summary>The caller's account, for a body that could not be scored (the feature carries it otherwise).</summary>
    public AccountId Account;
    public long EstimatedTokens;
}
