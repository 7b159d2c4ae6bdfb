using AntiDistill.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AntiDistill.Redis.Tests.Resilience;

/// <summary>
/// The breaker's counting on a fake clock, with a probe that answers as told (the freeze tests drive the same breaker
/// against a real, stopped redis-server): timeouts in a row open it whatever came before, a call answered in time
/// breaks the row, and only the background probe closes it.
/// </summary>
public class RedisCircuitTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider _time = new();
    private bool _redisAnswers;
    private int _probes;

    [Fact]
    public void TimedOut_ThresholdInARowAfterManySuccesses_Opens()
    {
        using var circuit = Circuit(consecutiveTimeouts: 3);
        for (int i = 0; i < 1_000; i++)
        {
            circuit.Succeeded(); // a busy node: a window full of successes must not delay the opening
        }

        circuit.TimedOut(new TimeoutException());
        circuit.TimedOut(new TimeoutException());
        Assert.False(circuit.IsOpen);

        circuit.TimedOut(new TimeoutException());
        Assert.True(circuit.IsOpen);
    }

    [Fact]
    public void TimedOut_RowBrokenByACallAnsweredInTime_StaysClosed()
    {
        using var circuit = Circuit(consecutiveTimeouts: 3);

        for (int i = 0; i < 10; i++)
        {
            circuit.TimedOut(new TimeoutException());
            circuit.TimedOut(new TimeoutException());
            circuit.Succeeded();
        }

        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public void IsOpen_ProbeFailsThenAnswers_ClosesOnlyAtTheProbeThatAnswered()
    {
        using var circuit = Circuit(consecutiveTimeouts: 1);
        circuit.TimedOut(new TimeoutException());

        _time.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, _probes); // nothing asks Redis before the break is over
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _probes);
        Assert.True(circuit.IsOpen);

        _redisAnswers = true;
        _time.Advance(Break);
        Assert.Equal(2, _probes); // a failed probe is retried after another break
        Assert.False(circuit.IsOpen);

        _time.Advance(Break * 3);
        Assert.Equal(2, _probes); // closed: no more probing
    }

    private RedisCircuit Circuit(int consecutiveTimeouts) => new(
        new RedisStateOptions { BreakerConsecutiveTimeouts = consecutiveTimeouts, BreakerMinimumThroughput = 100_000, BreakerBreakDuration = Break },
        _time,
        () =>
        {
            _probes++;
            return _redisAnswers ? Task.CompletedTask : Task.FromException(new RedisException("down"));
        },
        NullLogger.Instance);
}
