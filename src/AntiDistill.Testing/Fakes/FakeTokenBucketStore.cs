using System.Collections.Concurrent;
using AntiDistill.RateLimiting;

namespace AntiDistill.Testing;

/// <summary>
/// An <see cref="ITokenBucketStore"/> for tests: an <see cref="InMemoryTokenBucketStore"/> (on the clock you give it) that
/// records every call, and can be scripted to throw (a shared store that is down) or to refuse every take. Register it
/// before or instead of the default: <c>services.AddSingleton&lt;ITokenBucketStore&gt;(fake)</c>.
/// </summary>
public sealed class FakeTokenBucketStore : ITokenBucketStore
{
    private readonly ITokenBucketStore _inner;
    private readonly ConcurrentQueue<TokenBucketCall> _calls = new();
    private volatile Exception? _failure;
    private volatile bool _refuse;
    private TimeSpan _refusedRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Over a fresh in-memory store on the system clock.</summary>
    public FakeTokenBucketStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Over a fresh in-memory store on <paramref name="timeProvider"/> (the app's <c>FakeTimeProvider</c>, so that buckets refill as it moves).</summary>
    public FakeTokenBucketStore(TimeProvider timeProvider)
        : this(new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), timeProvider ?? throw new ArgumentNullException(nameof(timeProvider))))
    {
    }

    /// <summary>Over <paramref name="inner"/>, which does the real bookkeeping.</summary>
    public FakeTokenBucketStore(ITokenBucketStore inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Every call, in order (including those that failed as scripted).</summary>
    public IReadOnlyCollection<TokenBucketCall> Calls => _calls;

    /// <summary>How many takes were made and how many were granted.</summary>
    public (int Takes, int Granted) TakeCounts
    {
        get
        {
            int takes = 0, granted = 0;
            foreach (var call in _calls)
            {
                if (call.Kind == TokenBucketCallKind.Take)
                {
                    takes++;
                    granted += call.Acquired == true ? 1 : 0;
                }
            }

            return (takes, granted);
        }
    }

    /// <summary>Makes every call throw <paramref name="exception"/> until <see cref="Recover"/>.</summary>
    public FakeTokenBucketStore Fail(Exception exception)
    {
        _failure = exception ?? throw new ArgumentNullException(nameof(exception));
        return this;
    }

    /// <summary>Makes takes refuse with <paramref name="retryAfter"/> (default 1 s) until <see cref="Recover"/>, whatever the buckets hold.</summary>
    public FakeTokenBucketStore RefuseAll(TimeSpan? retryAfter = null)
    {
        _refusedRetryAfter = retryAfter ?? TimeSpan.FromSeconds(1);
        _refuse = true;
        return this;
    }

    /// <summary>Back to the inner store's answers.</summary>
    public FakeTokenBucketStore Recover()
    {
        _failure = null;
        _refuse = false;
        return this;
    }

    /// <inheritdoc/>
    public TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        Throw(TokenBucketCallKind.Take, key, tokens);
        var result = _refuse ? new TokenBucketResult(false, _inner.GetAvailable(key, limits), _refusedRetryAfter) : _inner.TryTake(key, limits, tokens);
        _calls.Enqueue(new TokenBucketCall(TokenBucketCallKind.Take, key, tokens, result.Acquired, Failed: false));
        return result;
    }

    /// <inheritdoc/>
    public ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(TryTake(key, limits, tokens));
    }

    /// <inheritdoc/>
    public void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        Throw(TokenBucketCallKind.Settle, key, tokens);
        _inner.Settle(key, limits, tokens);
        _calls.Enqueue(new TokenBucketCall(TokenBucketCallKind.Settle, key, tokens, null, Failed: false));
    }

    /// <inheritdoc/>
    public ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Settle(key, limits, tokens);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public double GetAvailable(TokenBucketKey key, TokenBucketLimits limits) => _inner.GetAvailable(key, limits);

    private void Throw(TokenBucketCallKind kind, TokenBucketKey key, double tokens)
    {
        if (_failure is { } failure)
        {
            _calls.Enqueue(new TokenBucketCall(kind, key, tokens, null, Failed: true));
            throw failure;
        }
    }
}

/// <summary>What a token-bucket call was.</summary>
public enum TokenBucketCallKind
{
    /// <summary><see cref="ITokenBucketStore.TryTake"/> or its asynchronous form.</summary>
    Take,

    /// <summary><see cref="ITokenBucketStore.Settle"/> or its asynchronous form.</summary>
    Settle,
}

/// <summary>One call to <see cref="FakeTokenBucketStore"/>.</summary>
/// <param name="Kind">Take or settle.</param>
/// <param name="Key">The bucket.</param>
/// <param name="Tokens">The tokens taken or settled.</param>
/// <param name="Acquired">For a take that ran, whether it was granted.</param>
/// <param name="Failed">Whether the call threw (as scripted).</param>
public sealed record TokenBucketCall(TokenBucketCallKind Kind, TokenBucketKey Key, double Tokens, bool? Acquired, bool Failed);
