using System.Globalization;
using StackExchange.Redis;

namespace AntiDistill.Redis.Internal;

/// <summary>
/// Key names. Each account's keys share the hash tag <c>{prefix:a:id}</c> (its contributions and its bucket),
/// each cluster's bucket has <c>{prefix:c:anchor}</c>, the change feed and epoch share <c>{prefix:feed}</c>: on
/// Redis Cluster everything one script or one account touches lives on one slot.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public RedisKey Feed { get; } = $"{{{prefix}:feed}}:changes";

    public RedisKey Epoch { get; } = $"{{{prefix}:feed}}:epoch";

    public RedisKey Account(ulong account) => string.Create(CultureInfo.InvariantCulture, $"{{{prefix}:a:{account:x16}}}:state");

    public RedisKey AccountBucket(ulong account) => string.Create(CultureInfo.InvariantCulture, $"{{{prefix}:a:{account:x16}}}:bucket");

    public RedisKey ClusterBucket(ulong anchor) => string.Create(CultureInfo.InvariantCulture, $"{{{prefix}:c:{anchor:x16}}}:bucket");
}
