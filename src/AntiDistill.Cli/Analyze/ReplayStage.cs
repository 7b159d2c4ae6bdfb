namespace AntiDistill.Cli.Analyze;

/// <summary>
/// The single-threaded end of the pipeline: takes parsed batches in file order, restores <c>ts</c> order within
/// a bounded reorder window (ties by line number), and feeds the engine one record at a time, exactly as the
/// online path would have seen the traffic. Everything here depends on the records alone, so the same log
/// gives the same report byte for byte, however the parsing threads were scheduled.
/// </summary>
internal sealed class ReplayStage
{
    /// <summary>Records held for reordering at most; past this the earliest goes out even if still inside the window (memory stays bounded on any input).</summary>
    private const int MaxPending = 65_536;

    private readonly DistillationEngine _engine;
    private readonly ReplayClock _clock;
    private readonly BadLineReporter _badLines;
    private readonly long _windowTicks;
    private readonly int _linkEvery;
    private readonly long _linkIntervalTicks;
    private readonly PriorityQueue<int, (long Ticks, long Line)> _pending = new();
    private readonly Stack<int> _free = new();
    private LogRecord[] _slots = new LogRecord[1024];
    private int _slotsUsed;
    private long _newestTicks = long.MinValue;
    private long _replayedTicks = long.MinValue;
    private int _sinceLink;
    private long _lastLinkTicks;
    private long _records;

    public ReplayStage(DistillationEngine engine, ReplayClock clock, BadLineReporter badLines, AnalyzeSettings settings)
    {
        _engine = engine;
        _clock = clock;
        _badLines = badLines;
        _windowTicks = settings.ReorderWindow.Ticks;
        _linkEvery = Math.Max(1, settings.LinkEvery);
        _linkIntervalTicks = Math.Max(1, settings.LinkInterval.Ticks);
    }

    public AccountTable Accounts { get; } = new();

    public Timeline Timeline { get; } = new();

    /// <summary>The unkeyed evidence an indicator export needs (prompt fingerprints, client values, prefixes).</summary>
    public Indicators.EvidenceCollector Evidence { get; } = new();

    /// <summary>Lines read so far, bad ones included.</summary>
    public long Lines { get; private set; }

    /// <summary>Records replayed so far (read from the progress thread).</summary>
    public long Records => Volatile.Read(ref _records);

    /// <summary>Records whose body could not be read and that had no <c>prompt</c>: scored on timing and client only.</summary>
    public long UnreadBodies { get; private set; }

    /// <summary>Records that arrived later than the reorder window allows and were replayed out of <c>ts</c> order.</summary>
    public long LateRecords { get; private set; }

    public long FirstTicks { get; private set; } = long.MaxValue;

    public long LastTicks { get; private set; } = long.MinValue;

    /// <summary>Takes the next batch in file order: reports its bad lines, queues its records, replays what the window releases.</summary>
    public void Merge(LineBatch batch)
    {
        if (batch.BadLines.Count > 0)
        {
            batch.BadLines.Sort(static (a, b) => a.Line.CompareTo(b.Line));
            foreach (var (line, reason) in batch.BadLines)
            {
                _badLines.Report(line, reason);
            }
        }

        Lines = batch.LinesThrough;
        for (int i = 0; i < batch.RecordCount; i++)
        {
            ref var record = ref batch.Records[i];
            record.AccountIndex = Accounts.Resolve(record.Account, batch.NameOf(record));
            int slot = Rent();
            _slots[slot] = record;
            _pending.Enqueue(slot, (record.TimestampTicks, record.Line));
            _newestTicks = Math.Max(_newestTicks, record.TimestampTicks);
            Release(drain: false);
        }
    }

    /// <summary>Replays what is still pending and runs linkage a last time.</summary>
    public void Finish()
    {
        Release(drain: true);
        _engine.ProcessLinkage();
    }

    private void Release(bool drain)
    {
        while (_pending.TryPeek(out int slot, out var key)
            && (drain || _pending.Count > MaxPending || key.Ticks <= _newestTicks - _windowTicks))
        {
            _pending.Dequeue();
            Replay(ref _slots[slot]);
            _free.Push(slot);
        }
    }

    private void Replay(ref LogRecord record)
    {
        long ticks = record.TimestampTicks;
        if (ticks < _replayedTicks)
        {
            LateRecords++;
        }
        else
        {
            _replayedTicks = ticks;
        }

        var at = new DateTimeOffset(ticks, TimeSpan.Zero);
        _clock.Now = at;
        var observation = new Observation
        {
            Account = record.Account,
            ApiKey = record.ApiKey,
            Organization = record.Organization,
            Client = record.Client,
            Timestamp = at,
            ToolCount = record.ToolCount,
            TurnCount = record.TurnCount,
            MaxOutputTokens = record.MaxOutputTokens,
            ReasoningRequested = record.Reasoning,
            ContinuesConversation = record.ContinuesConversation,
            Conversation = record.Conversation,
        };
        var assessment = _engine.Observe(observation, record.Features);
        if (record.Served.Present)
        {
            // After the request's own assessment, as online: the response arrives after the decision.
            _engine.ObserveServed(new ServedExchange
            {
                Account = record.Account,
                Timestamp = at,
                Conversation = record.Conversation,
                Status = record.Served.Status,
                InputTokens = record.Served.InputTokens,
                OutputTokens = record.Served.OutputTokens,
                ReasoningTokens = record.Served.ReasoningTokens,
            });
        }

        Evidence.Add(record.AccountIndex, record.Features, record.Client);
        ref var account = ref Accounts[record.AccountIndex];
        account.Requests++;
        account.FirstTicks = account.Requests == 1 ? ticks : Math.Min(account.FirstTicks, ticks);
        account.LastTicks = Math.Max(account.LastTicks, ticks);
        account.LastRisk = assessment.Risk;
        account.LastVerdict = assessment.Verdict;
        if (assessment.Verdict >= Verdict.Suspicious && account.FirstFlagged == 0)
        {
            account.FirstFlagged = account.Requests;
            account.FirstFlaggedTicks = ticks;
        }

        Timeline.Add(ticks, assessment.Verdict);
        FirstTicks = Math.Min(FirstTicks, ticks);
        LastTicks = Math.Max(LastTicks, ticks);
        if (record.Source == PromptSource.None)
        {
            UnreadBodies++;
        }

        Volatile.Write(ref _records, _records + 1);

        // Linkage as a background loop would run it: every few hundred requests or half a second of log time,
        // whichever comes first; on the replay thread, so where it falls depends on the records alone.
        if (++_sinceLink >= _linkEvery || ticks - _lastLinkTicks >= _linkIntervalTicks)
        {
            _engine.ProcessLinkage();
            _sinceLink = 0;
            _lastLinkTicks = ticks;
        }
    }

    private int Rent()
    {
        if (_free.TryPop(out int slot))
        {
            return slot;
        }

        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return _slotsUsed++;
    }
}
