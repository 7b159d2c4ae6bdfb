using AntiDistill.Redis.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Sync;

/// <summary>
/// Runs <see cref="RedisStateSynchronizer"/> every <see cref="RedisStateOptions.SyncInterval"/> on the host's
/// <see cref="TimeProvider"/>, for the life of the host. Off the request path; failures are counted and the loop goes on.
/// </summary>
internal sealed class RedisStateSyncService(RedisStateSynchronizer synchronizer, RedisStateOptions options, TimeProvider time, ILogger<RedisStateSyncService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.SyncInterval, time, stoppingToken).ConfigureAwait(false);
                var outcome = await synchronizer.SyncOnceAsync(stoppingToken).ConfigureAwait(false);
                if (outcome.Failure is { } failure)
                {
                    Log.CallFailed(logger, "sync", failure);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Not a Redis failure (those are outcomes): a bug must not stop the sharing for good, nor crash the host.
                Log.SyncCrashed(logger, ex);
            }
        }
    }
}
