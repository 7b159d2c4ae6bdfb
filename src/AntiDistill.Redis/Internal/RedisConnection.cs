using StackExchange.Redis;

namespace AntiDistill.Redis.Internal;

/// <summary>
/// The multiplexer: the one from DI, or one this library opens from <see cref="RedisStateOptions.ConnectionString"/>
/// in the background, so that start-up never waits for (or fails on) an unreachable Redis.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly Task<IConnectionMultiplexer> _connecting;
    private readonly bool _owned;

    public RedisConnection(IConnectionMultiplexer multiplexer)
    {
        _connecting = Task.FromResult(multiplexer);
    }

    public RedisConnection(string connectionString, RedisStateOptions options)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);

        // Keep reconnecting in the background instead of throwing, and fail commands at once while disconnected
        // instead of queueing them: the callers fall back to local state, they must not wait for a dead server.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        // The library bounds its own waits (RedisResilience: one operation timeout per rate-limit call, the sync timeout
        // per batch); these only end what nobody waits for any more, such as a call given up on or an unawaited settle.
        int timeout = (int)Math.Max(options.SyncTimeout.TotalMilliseconds, options.OperationTimeout.TotalMilliseconds);
        configuration.SyncTimeout = (int)Math.Max(1, options.OperationTimeout.TotalMilliseconds);
        configuration.AsyncTimeout = timeout;
        configuration.ConnectTimeout = Math.Max(timeout, 1000);
        _owned = true;
        _connecting = Task.Run(async () => (IConnectionMultiplexer)await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false));
    }

    /// <summary>The database, waiting at most <paramref name="wait"/> for the first connection attempt; null when it is not done (callers treat it as a failure).</summary>
    public IDatabase? TryGetDatabase(TimeSpan wait)
    {
        if (!_connecting.IsCompleted)
        {
            try
            {
                _connecting.Wait(wait);
            }
            catch (AggregateException)
            {
                return null;
            }
        }

        return _connecting.IsCompletedSuccessfully ? _connecting.Result.GetDatabase() : null;
    }

    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default) =>
        (await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>Containers disposed synchronously (a plain ServiceProvider.Dispose) must not throw for this one.</summary>
    public void Dispose()
    {
        if (_owned && _connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned && _connecting.IsCompletedSuccessfully)
        {
            await _connecting.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
