namespace AntiDistill.Redis;

/// <summary>What rate limits do while Redis is slow or down (state sharing always carries on locally).</summary>
public enum RedisFailureMode
{
    /// <summary>Keep serving: limits fall back to this node's in-memory buckets until Redis is back. The default.</summary>
    FailOpen,

    /// <summary>Refuse requests that need a shared limit until Redis is back (state sharing still fails open).</summary>
    FailClosed,
}
