using System.Runtime.CompilerServices;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Decides which decisions reach the log, so that an attack cannot turn into a log flood: per account, one line when
/// its outcome changes and otherwise at most one per <see cref="AccountInterval"/>, and across all accounts at most
/// <see cref="LinesPerSecond"/> lines a second (a hydra of 25,000 accounts is 25,000 "first" lines otherwise). What is
/// not logged is counted: the line that is logged says how many of the account's decisions it stands for, and the
/// metrics count every request.
/// </summary>
/// <remarks>
/// Fixed memory (a direct-mapped table of recent accounts, 24 bytes a slot) and no lock: slots are written racily.
/// A race can log one line too many or attribute a suppressed count to the wrong line, never block a request; two
/// accounts sharing a slot take turns in it and may each log a little more often than the interval.
/// </remarks>
internal sealed class LogRateGate(TimeProvider time)
{
    /// <summary>The most lines a second across all accounts.</summary>
    public const int LinesPerSecond = 20;

    /// <summary>How often one account's unchanged outcome is logged again.</summary>
    public static readonly TimeSpan AccountInterval = TimeSpan.FromMinutes(1);

    private const int Slots = 4096;

    private readonly Slot[] _slots = new Slot[Slots];
    private readonly long _interval = (long)(AccountInterval.TotalSeconds * time.TimestampFrequency);
    private long _second;
    private int _linesThisSecond;

    /// <summary>
    /// Whether to log a decision of <paramref name="outcome"/> (any small code: an action, a rejection reason) for
    /// <paramref name="account"/>; when true, <paramref name="suppressed"/> is how many of its decisions went unlogged since its last line.
    /// </summary>
    public bool ShouldLog(AccountId account, int outcome, out int suppressed)
    {
        long now = time.GetTimestamp();
        ref var slot = ref _slots[(int)(account.Value * 0x9E3779B97F4A7C15UL >> 52)];
        bool known = slot.Account == account.Value;
        if (known && slot.Outcome == outcome && now - slot.LoggedAt < _interval)
        {
            slot.Suppressed++;
            suppressed = 0;
            return false;
        }

        if (!TakeGlobal(now))
        {
            if (known)
            {
                slot.Suppressed++;
            }

            suppressed = 0;
            return false;
        }

        suppressed = known ? slot.Suppressed : 0;
        slot = new Slot { Account = account.Value, LoggedAt = now, Outcome = outcome, Suppressed = 0 };
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TakeGlobal(long now)
    {
        long second = now / time.TimestampFrequency;
        if (Volatile.Read(ref _second) != second)
        {
            // The first caller of a new second resets the count; a racing one may let a line or two more through.
            Volatile.Write(ref _second, second);
            Volatile.Write(ref _linesThisSecond, 0);
        }

        return Interlocked.Increment(ref _linesThisSecond) <= LinesPerSecond;
    }

    private struct Slot
    {
        public ulong Account;
        public long LoggedAt;
        public int Outcome;
        public int Suppressed;
    }
}
