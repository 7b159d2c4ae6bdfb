using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>What an endpoint's metadata says to the middleware: opted out, or a named policy required.</summary>
internal sealed class EndpointMarks(Endpoint? endpoint, bool disabled, RequireAntiDistillationAttribute? require)
{
    /// <summary>No endpoint (or no metadata): scored by path under the default policy.</summary>
    public static readonly EndpointMarks None = new(null, disabled: false, require: null);

    public Endpoint? Endpoint { get; } = endpoint;

    public bool Disabled { get; } = disabled;

    public RequireAntiDistillationAttribute? Require { get; } = require;

    public static EndpointMarks Of(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        return new EndpointMarks(endpoint, metadata.GetMetadata<DisableAntiDistillationAttribute>() is not null,
            metadata.GetMetadata<RequireAntiDistillationAttribute>());
    }
}

/// <summary>
/// Remembers the marks of recently hit endpoints, so a request costs one reference comparison instead of two
/// metadata lookups. Direct-mapped by the endpoint's identity: a miss (a new endpoint, or two hot endpoints in one
/// slot) reads the metadata again, never a stale answer, because an endpoint's metadata never changes. Holds at most
/// a few endpoints that a route reload (e.g. YARP's) replaced, until their slots are reused.
/// </summary>
internal sealed class EndpointMarksCache
{
    private const int Slots = 16;
    private readonly EndpointMarks?[] _slots = new EndpointMarks?[Slots];

    public EndpointMarks Get(Endpoint endpoint)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(endpoint) & (Slots - 1)];

        // Entries are immutable and a reference is read atomically: a racing writer can only cost a re-read.
        var marks = Volatile.Read(ref slot);
        if (marks is null || !ReferenceEquals(marks.Endpoint, endpoint))
        {
            marks = EndpointMarks.Of(endpoint);
            Volatile.Write(ref slot, marks);
        }

        return marks;
    }
}
