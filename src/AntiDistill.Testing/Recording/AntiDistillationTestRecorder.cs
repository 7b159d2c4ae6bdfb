using System.Collections.Concurrent;
using System.Globalization;
using AntiDistill.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.Testing;

/// <summary>
/// Records what the middleware decided for each simulated request (the <see cref="IAntiDistillationFeature"/> as the
/// response starts), so that <see cref="SimulatedTraffic.SendAsync"/> can report actions and verdicts per exchange.
/// Registered in the app under test with <c>services.AddAntiDistillationTestRecorder()</c>; it wraps the whole pipeline
/// (a startup filter) and looks only at requests carrying <see cref="RequestHeader"/>.
/// </summary>
public sealed class AntiDistillationTestRecorder
{
    /// <summary>The header <see cref="SimulatedTraffic"/> numbers its requests with.</summary>
    public const string RequestHeader = "x-antidistill-test-request";

    private readonly ConcurrentDictionary<int, RecordedDecision> _decisions = new();

    /// <summary>How many decisions are held (taken ones are removed).</summary>
    public int Count => _decisions.Count;

    /// <summary>The decision recorded for request <paramref name="index"/>, removed from the recorder; null when the request was not scored or read.</summary>
    public RecordedDecision? Take(int index) => _decisions.TryRemove(index, out var decision) ? decision : null;

    /// <summary>Forgets every decision.</summary>
    public void Clear() => _decisions.Clear();

    internal void Record(HttpContext context)
    {
        if (!context.Request.Headers.TryGetValue(RequestHeader, out var value)
            || !int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || context.Features.Get<IAntiDistillationFeature>() is not { } feature)
        {
            return;
        }

        var assessment = feature.Assessment;
        _decisions[index] = new RecordedDecision(feature.Policy, feature.IsScored, feature.Action, feature.ActionName, feature.Shadow,
            assessment?.Verdict, assessment?.Risk, assessment?.Account);
    }
}

/// <summary>What the middleware decided for one request.</summary>
/// <param name="Policy">The policy it ran under.</param>
/// <param name="IsScored">Whether the engine scored it.</param>
/// <param name="Action">The action its band called for (applied unless <paramref name="Shadow"/>).</param>
/// <param name="ActionName">The action's handler name (a host handler's registered name for <see cref="AntiDistillationAction.Custom"/>).</param>
/// <param name="Shadow">Whether the policy only observed.</param>
/// <param name="Verdict">The account's verdict after the request, when scored.</param>
/// <param name="Risk">The request's risk, when scored.</param>
/// <param name="Account">The account as the engine knows it (a keyed hash), when scored.</param>
public sealed record RecordedDecision(string Policy, bool IsScored, AntiDistillationAction Action, string ActionName, bool Shadow,
    Verdict? Verdict, float? Risk, AccountId? Account);

/// <summary>Puts the recorder in front of the app's pipeline.</summary>
internal sealed class RecorderStartupFilter(AntiDistillationTestRecorder recorder) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            // At response start, before the client can see the response: reading after the pipeline returns would race
            // a client that already has the whole body. The feature is set before any action writes a response.
            context.Response.OnStarting(static state =>
            {
                var (recorder, context) = ((AntiDistillationTestRecorder, HttpContext))state;
                recorder.Record(context);
                return Task.CompletedTask;
            }, (recorder, context));
            return nextMiddleware(context);
        });
        next(app);
    };
}
