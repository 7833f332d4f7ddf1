using DistKit.Ids.Internal;
using DistKit.Ids.Workers;

namespace DistKit.Ids;

/// <summary>
/// The embedded id generator for any <see cref="IdLayout"/> (Snowflake, Sonyflake, custom):
/// lock-free, allocation-free, strictly increasing per generator.
/// </summary>
/// <remarks>
/// All state is one 64-bit word, (last tick, last sequence), advanced by compare-and-swap, so
/// threads never block each other. When a tick's sequence is spent, callers wait for the next tick
/// by yielding (for 1 ms units) or sleeping (longer units), never longer than one tick. Dispose
/// records the time mark so a graceful restart can start at once; after Dispose every call throws
/// <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class SnowflakeIdGenerator : IIdGenerator, IDisposable
{
    // No real state reaches this value (it would need a tick of 2^(63 - sequence bits)).
    private const long Closed = long.MaxValue;

    private readonly IdLayout _layout;
    private readonly TimeProvider _time;
    private readonly ClockBackwardsPolicy _policy;
    private readonly long _node;
    private readonly long _nodePart;
    private readonly int _sequenceBits;
    private readonly long _sequenceMask;
    private readonly int _timeShift;
    private readonly int _sequenceShift;
    private readonly long _epochTicks;
    private readonly long _unitTicks;
    private readonly long _maxWaitTicks;
    private readonly bool _yieldOnly;
    private readonly CancellationToken _fence;
    private readonly Func<DateTimeOffset>? _validUntil;
    private readonly TimeMarkKeeper? _marks;
    private readonly Lock _slowPath = new();

    // (last tick << sequenceBits) | last sequence, or Closed. The only mutable state on the hot path.
    private long _state;

    // Ticks up to which ids may be issued without the slow path: the persisted time mark's reach
    // and the worker id's validity, whichever ends first.
    private long _issuableThrough;

    /// <summary>Creates a generator; reads the persisted time mark, if any, and starts above it.</summary>
    /// <param name="options">Layout, node, clock policy and time mark store.</param>
    /// <param name="fence">Fires when the node id stops being this generator's own (a lost lease); from then on every call throws <see cref="WorkerIdLostException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The clock reads earlier than the layout's epoch.</exception>
    public SnowflakeIdGenerator(IdGeneratorOptions options, CancellationToken fence = default)
        : this(options, validUntil: null, fence)
    {
    }

    /// <summary>
    /// A generator whose node id is <paramref name="worker"/>'s. It stops with
    /// <see cref="WorkerIdLostException"/> once the worker id's lease is lost, and never stamps an
    /// id with a time past the lease's validity, even if the loss is noticed late.
    /// </summary>
    public SnowflakeIdGenerator(IdGeneratorOptions options, WorkerIdLease worker)
        : this(
            (options ?? throw new ArgumentNullException(nameof(options))) with { Node = (worker ?? throw new ArgumentNullException(nameof(worker))).WorkerId },
            worker.ValidUntil,
            worker.Lost)
    {
    }

    // validUntil is asked again each time the generator reaches its previous answer.
    private SnowflakeIdGenerator(IdGeneratorOptions options, Func<DateTimeOffset>? validUntil, CancellationToken fence)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _layout = options.Layout;
        _time = options.TimeProvider;
        _policy = options.ClockPolicy;
        _node = options.Node;
        _nodePart = _layout.NodePart(options.Node);
        _sequenceBits = _layout.SequenceBits;
        _sequenceMask = _layout.MaxSequence;
        _timeShift = _layout.TimeShift;
        _sequenceShift = _layout.SequenceShift;
        _epochTicks = _layout.Epoch.UtcTicks;
        _unitTicks = _layout.TimeUnit.Ticks;
        _maxWaitTicks = options.MaxClockWait.Ticks;
        _yieldOnly = _layout.TimeUnit <= TimeSpan.FromMilliseconds(1);
        _fence = fence;
        _validUntil = validUntil;

        var now = (_time.GetUtcNow().UtcTicks - _epochTicks) / _unitTicks;
        if (now < 0)
        {
            throw new InvalidOperationException($"the clock reads {_time.GetUtcNow():O}, before layout '{_layout.Name}' begins at {_layout.Epoch:O}");
        }

        var lastTick = -1L;
        var issuable = _layout.MaxTicks;
        if (options.TimeMarks is { } store)
        {
            _marks = new TimeMarkKeeper(store, _layout, options.TimeMarkReach);
            lastTick = _marks.LastTickOfPreviousRun();
            issuable = Math.Min(_marks.Advance(Math.Max(now, lastTick + 1)), _layout.MaxTicks);
        }

        _issuableThrough = Math.Min(issuable, ValidThroughTick());

        // As if the last tick's sequence were spent: the first id comes from a later tick.
        _state = (lastTick << _sequenceBits) | _sequenceMask;
    }

    /// <inheritdoc />
    public IdLayout Layout => _layout;

    /// <summary>The node field this generator stamps into every id.</summary>
    public long Node => _node;

    /// <inheritdoc />
    public long NextId()
    {
        _ = Take(1, mayWait: true, out var tick, out var sequence);
        return (tick << _timeShift) | (sequence << _sequenceShift) | _nodePart;
    }

    /// <inheritdoc />
    public void NextIds(Span<long> destination) => Fill(destination, mayWait: true);

    /// <inheritdoc />
    public int TryNextIds(Span<long> destination) => Fill(destination, mayWait: false);

    private int Fill(Span<long> destination, bool mayWait)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var count = Take(destination.Length - filled, mayWait, out var tick, out var sequence);
            if (count == 0)
            {
                break;
            }

            var high = (tick << _timeShift) | _nodePart;
            for (var i = 0; i < count; i++)
            {
                destination[filled + i] = high | ((sequence + i) << _sequenceShift);
            }

            filled += count;
        }

        return filled;
    }

    // Claims up to `wanted` consecutive sequence numbers in one tick with one CAS. Without
    // `mayWait`, returns 0 instead of waiting for the clock (the tick is spent, or the clock is
    // behind within what the Wait policy tolerates).
    private int Take(int wanted, bool mayWait, out long tick, out long firstSequence)
    {
        tick = 0;
        firstSequence = 0;
        var spinner = default(SpinWait);
        while (true)
        {
            if (_fence.IsCancellationRequested)
            {
                throw new WorkerIdLostException(_node);
            }

            var current = Volatile.Read(ref _state);
            ObjectDisposedException.ThrowIf(current == Closed, this);
            var lastTick = current >> _sequenceBits;
            var lastSequence = current & _sequenceMask;
            var nowUtc = _time.GetUtcNow().UtcTicks;
            var now = (nowUtc - _epochTicks) / _unitTicks;
            long next;
            int count;
            if (now > lastTick)
            {
                count = (int)Math.Min(wanted, _sequenceMask + 1);
                next = (now << _sequenceBits) | (count - 1L);
            }
            else if (now < lastTick && !MayIssueAheadOfClock(_epochTicks + (lastTick * _unitTicks) - nowUtc, mayWait, ref spinner))
            {
                if (!mayWait)
                {
                    return 0;
                }

                continue;
            }
            else if (lastSequence < _sequenceMask)
            {
                count = (int)Math.Min(wanted, _sequenceMask - lastSequence);
                next = current + count;
            }
            else if (now < lastTick)
            {
                // Logical time with this tick spent: move on to the next logical tick.
                count = (int)Math.Min(wanted, _sequenceMask + 1);
                next = ((lastTick + 1) << _sequenceBits) | (count - 1L);
            }
            else
            {
                if (spinner.Count == 0)
                {
                    GeneratorCounters.SequenceExhausted.Add(1);
                }

                if (!mayWait)
                {
                    return 0;
                }

                WaitForClock(ref spinner);
                continue;
            }

            // Checked against the tick the id will carry, so an id is never stamped past the mark
            // or the worker id's validity, however late this thread runs from here on.
            var nextTick = next >> _sequenceBits;
            if (nextTick > Volatile.Read(ref _issuableThrough))
            {
                MoveLimit(nextTick);
                continue;
            }

            if (Interlocked.CompareExchange(ref _state, next, current) == current)
            {
                tick = nextTick;
                firstSequence = (next & _sequenceMask) - count + 1;
                return count;
            }
        }
    }

    // `behind` is how far (in DateTime ticks) the clock must still move to reach the last tick's start.
    private bool MayIssueAheadOfClock(long behind, bool mayWait, ref SpinWait spinner)
    {
        switch (_policy)
        {
            case ClockBackwardsPolicy.Logical:
                return true;
            case ClockBackwardsPolicy.Wait when behind <= _maxWaitTicks:
                if (spinner.Count == 0)
                {
                    GeneratorCounters.ClockBehind.Add(1);
                }

                if (mayWait)
                {
                    WaitForClock(ref spinner);
                }

                return false;
            default:
                GeneratorCounters.ClockBehind.Add(1);
                throw new ClockMovedBackwardsException(TimeSpan.FromTicks(behind));
        }
    }

    private void WaitForClock(ref SpinWait spinner)
    {
        // A 1 ms tick is over before a Sleep(1) returns; yielding keeps the next tick's ids on time.
        if (_yieldOnly)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        else
        {
            spinner.SpinOnce();
        }
    }

    // The slow path: move the time mark and re-read the worker id's validity.
    private void MoveLimit(long neededTick)
    {
        if (neededTick > _layout.MaxTicks)
        {
            throw new IdSpaceExhaustedException(_layout.ExhaustedAt);
        }

        lock (_slowPath)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == Closed, this);
            if (neededTick <= _issuableThrough)
            {
                return;
            }

            var validThrough = ValidThroughTick();
            if (neededTick > validThrough)
            {
                throw new WorkerIdLostException(_node);
            }

            var markThrough = _marks is null ? _layout.MaxTicks : Math.Min(_marks.Advance(neededTick), _layout.MaxTicks);
            Volatile.Write(ref _issuableThrough, Math.Min(markThrough, validThrough));
        }
    }

    // The last tick that starts before the worker id's validity ends.
    private long ValidThroughTick()
    {
        if (_validUntil is null)
        {
            return long.MaxValue;
        }

        var until = _validUntil().UtcTicks - _epochTicks;
        return until <= 0 ? -1 : (until - 1) / _unitTicks;
    }

    /// <summary>
    /// Stops the generator (later calls throw <see cref="ObjectDisposedException"/>) and records
    /// the time mark at the last issued tick, so a restart need not wait out the mark's reach.
    /// </summary>
    public void Dispose()
    {
        lock (_slowPath)
        {
            // Swapping in Closed makes every CAS still in flight fail, so no id lands after the mark.
            var last = Interlocked.Exchange(ref _state, Closed);
            if (last != Closed)
            {
                _marks?.Close(last >> _sequenceBits);
            }
        }
    }
}
