using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Reads a log with every core: one thread cuts the (decompressed) stream into batches of lines, parsing
/// threads turn batches into compact records (JSON, body, hashing, prompt features: the expensive part),
/// and the calling side replays them strictly in file order through <see cref="ReplayStage"/>. Queues are
/// bounded, so memory holds a few batches however large the file is.
/// </summary>
internal sealed class AnalyzePipeline
{
    private readonly AnalyzeSettings _settings;
    private readonly ReplayStage _replay;
    private readonly IdentityHasher _hasher;
    private long _inputPosition;

    public AnalyzePipeline(AnalyzeSettings settings, ReplayStage replay, IdentityHasher hasher)
    {
        _settings = settings;
        _replay = replay;
        _hasher = hasher;
    }

    /// <summary>Input bytes consumed so far (compressed bytes for gzip), for progress.</summary>
    public long InputPosition => Volatile.Read(ref _inputPosition);

    /// <summary>Runs the whole log through replay.</summary>
    /// <exception cref="AnalyzeException">Unreadable input, or a bad line under <c>--strict</c>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task RunAsync(LogSource source, CancellationToken cancellationToken)
    {
        int parsers = Math.Max(1, _settings.ParseThreads);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var work = new BlockingCollection<LineBatch>(boundedCapacity: 2 * parsers);
        using var order = new BlockingCollection<LineBatch>(boundedCapacity: 4 * parsers);
        var pool = new ConcurrentQueue<LineBatch>();

        var stages = new List<Task> { Start(() => Read(source, work, order, pool, cancel.Token), cancel) };
        for (int i = 0; i < parsers; i++)
        {
            stages.Add(Start(() => Parse(work, cancel.Token), cancel));
        }

        stages.Add(Start(() => Replay(order, pool, cancel.Token), cancel));
        try
        {
            await Task.WhenAll(stages).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The stage that failed first cancelled the others; its exception is the one worth reporting.
            throw Explain(stages);
        }
    }

    private static Task Start(Action stage, CancellationTokenSource cancel) => Task.Factory.StartNew(() =>
    {
        try
        {
            stage();
        }
        catch
        {
            cancel.Cancel();
            throw;
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private Exception Explain(List<Task> stages)
    {
        var errors = stages.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        var cause = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
        return cause switch
        {
            AnalyzeException e => e,
            IOException or UnauthorizedAccessException or InvalidDataException => new AnalyzeException($"cannot read '{_settings.LogName}': {cause.Message}", ExitCodes.Input),
            null => new OperationCanceledException(),
            _ => cause,
        };
    }

    private void Read(LogSource source, BlockingCollection<LineBatch> work, BlockingCollection<LineBatch> order, ConcurrentQueue<LineBatch> pool, CancellationToken cancellationToken)
    {
        try
        {
            long sequence = 0;
            long linesBefore = 0; // line numbers count on across files, as in the files concatenated
            var batch = Rent(pool);
            foreach (var file in source.Files())
            {
                var splitter = new LineSplitter(file.Stream, _settings.MaxLineBytes);
                while (NextLine(splitter, source, out var line, out long tooLong))
                {
                    long number = linesBefore + splitter.LineNumber;
                    if (tooLong > 0)
                    {
                        batch.BadLines.Add((number, string.Create(CultureInfo.InvariantCulture,
                            $"line is longer than the limit of {_settings.MaxLineBytes:N0} bytes ({tooLong:N0} bytes, see --max-line-bytes)")));
                    }
                    else
                    {
                        // A byte order mark can open each file.
                        batch.AddLine(splitter.LineNumber == 1 && line.StartsWith("\uFEFF"u8) ? line[3..] : line, number);
                    }

                    if (batch.IsFull)
                    {
                        Post(batch, sequence++, number, source, work, order, cancellationToken);
                        batch = Rent(pool);
                    }
                }

                source.Ended(splitter.LineNumber);
                linesBefore += splitter.LineNumber;
                if (source.Damage is not null && _settings.Strict)
                {
                    break; // nothing partial will be written: reading on is wasted
                }
            }

            Post(batch, sequence, linesBefore, source, work, order, cancellationToken);
        }
        finally
        {
            work.CompleteAdding();
            order.CompleteAdding();
        }
    }

    /// <summary>
    /// The next line, or false at the end of the log or where a damaged archive stops making sense: what was read
    /// before the damage goes on to replay (the caller decides from <see cref="LogSource.Damage"/> what that run is worth);
    /// a line cut by the damage is never returned, so it cannot pose as a bad line.
    /// </summary>
    private static bool NextLine(LineSplitter splitter, LogSource source, out ReadOnlySpan<byte> line, out long tooLong)
    {
        try
        {
            return splitter.Next(out line, out tooLong);
        }
        catch (InvalidDataException e) when (source.Damaged(e, splitter.LineNumber))
        {
            line = default;
            tooLong = 0;
            return false;
        }
    }

    private void Post(LineBatch batch, long sequence, long linesThrough, LogSource source,
        BlockingCollection<LineBatch> work, BlockingCollection<LineBatch> order, CancellationToken cancellationToken)
    {
        batch.Sequence = sequence;
        batch.LinesThrough = linesThrough;
        batch.InputPosition = source.Position;
        Volatile.Write(ref _inputPosition, batch.InputPosition);

        // Order first: replay waits on batches in this queue's order, parsers take them in the same order, so no wait can deadlock.
        order.Add(batch, cancellationToken);
        work.Add(batch, cancellationToken);
    }

    private static LineBatch Rent(ConcurrentQueue<LineBatch> pool) => pool.TryDequeue(out var batch) ? batch : new LineBatch();

    private void Parse(BlockingCollection<LineBatch> work, CancellationToken cancellationToken)
    {
        var parser = new RecordParser(_hasher, clear: _replay.Evidence.Clear);
        foreach (var batch in work.GetConsumingEnumerable(cancellationToken))
        {
            for (int i = 0; i < batch.LineCount; i++)
            {
                long number = batch.LineNumbers[i];
                string? reason = parser.Parse(batch.LineAt(i), number, batch, ref batch.Records[batch.RecordCount]);
                if (reason is null)
                {
                    batch.RecordCount++;
                }
                else
                {
                    batch.BadLines.Add((number, reason));
                }
            }

            batch.Parsed.Set();
        }
    }

    private void Replay(BlockingCollection<LineBatch> order, ConcurrentQueue<LineBatch> pool, CancellationToken cancellationToken)
    {
        foreach (var batch in order.GetConsumingEnumerable(cancellationToken))
        {
            batch.Parsed.Wait(cancellationToken);
            _replay.Merge(batch);
            batch.Reset();
            pool.Enqueue(batch);
        }

        cancellationToken.ThrowIfCancellationRequested();
        _replay.Finish();
    }
}
