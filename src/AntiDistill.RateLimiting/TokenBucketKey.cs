using System.Globalization;

namespace AntiDistill.RateLimiting;

/// <summary>Identifies one bucket in an <see cref="ITokenBucketStore"/>.</summary>
/// <param name="Scope">Account or cluster.</param>
/// <param name="Id">The account's <see cref="AccountId.Value"/> or the cluster's <see cref="ClusterId.Value"/>.</param>
public readonly record struct TokenBucketKey(TokenBucketScope Scope, ulong Id)
{
    /// <summary>The bucket of an account.</summary>
    public static TokenBucketKey ForAccount(AccountId account) => new(TokenBucketScope.Account, account.Value);

    /// <summary>The bucket of a cluster.</summary>
    public static TokenBucketKey ForCluster(ClusterId cluster) => new(TokenBucketScope.Cluster, (uint)cluster.Value);

    /// <summary>A stable text form, e.g. <c>a:00000000000000ff</c> or <c>c:0000000000000007</c>, usable in a remote store's key names.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{(Scope == TokenBucketScope.Account ? 'a' : 'c')}:{Id:x16}");
}
