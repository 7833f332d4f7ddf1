using DistKit.Ids.Internal;

namespace DistKit.Ids;

/// <summary>
/// The embedded id generator for any <see cref="IdLayout"/> (Snowflake, Sonyflake, custom):
/// lock-free, allocation-free, strictly increasing per generator.
/// </summary>
/// <remarks>
/// All state is one 64-bit word, (last tick, last sequence), advanced by compare-and-swap, so
/// threads never block each other. When a tick's sequence is spent, callers wait for the next tick
/// by yielding (for 1 ms units) or sleeping (longer units), never longer than one tick. Dispose
/// records the time mark so a graceful restart can start at once.
/// </remarks>
public sealed class SnowflakeIdGenerator : IIdGenerator, IDisposable
{
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
    private readonly long _maxWaitUnits;
    private readonly bool _yieldOnly;
    private readonly CancellationToken _fence;
    private readonly TimeMarkKeeper? _marks;
    private bool _disposed;

    // (last tick << sequenceBits) | last sequence. The only mutable state on the hot path.
    private long _state;

    // Ticks up to which ids may be issued before the time mark must move (MaxTicks without a store).
    private long _issuableThrough;

    /// <summary>Creates a generator; reads the persisted time mark, if any, and starts above it.</summary>
    /// <param name="options">Layout, node, clock policy and time mark store.</param>
    /// <param name="fence">Fires when the node id stops being this generator's own (a lost lease); from then on every call throws <see cref="WorkerIdLostException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The clock reads earlier than the layout's epoch.</exception>
    public SnowflakeIdGenerator(IdGeneratorOptions options, CancellationToken fence = default)
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
        _maxWaitUnits = options.MaxClockWait.Ticks / _unitTicks;
        _yieldOnly = _layout.TimeUnit <= TimeSpan.FromMilliseconds(1);
        _fence = fence;

        var now = CurrentTicks();
        if (now < 0)
        {
            throw new InvalidOperationException($"the clock reads {_time.GetUtcNow():O}, before layout '{_layout.Name}' begins at {_layout.Epoch:O}");
        }

        var lastTick = -1L;
        if (options.TimeMarks is { } store)
        {
            _marks = new TimeMarkKeeper(store, _layout, options.TimeMarkReach);
            lastTick = _marks.LastTickOfPreviousRun();
            _issuableThrough = _marks.Advance(Math.Max(now, lastTick + 1));
        }
        else
        {
            _issuableThrough = _layout.MaxTicks;
        }

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
        _ = Take(1, out var tick, out var sequence);
        return (tick << _timeShift) | (sequence << _sequenceShift) | _nodePart;
    }

    /// <inheritdoc />
    public void NextIds(Span<long> destination)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var count = Take(destination.Length - filled, out var tick, out var sequence);
            var high = (tick << _timeShift) | _nodePart;
            for (var i = 0; i < count; i++)
            {
                destination[filled + i] = high | ((sequence + i) << _sequenceShift);
            }

            filled += count;
        }
    }

    // Claims up to `wanted` consecutive sequence numbers in one tick with one CAS.
    private int Take(int wanted, out long tick, out long firstSequence)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            if (_fence.IsCancellationRequested)
            {
                throw new WorkerIdLostException(_node);
            }

            var current = Volatile.Read(ref _state);
            var lastTick = current >> _sequenceBits;
            var lastSequence = current & _sequenceMask;
            var now = CurrentTicks();
            long next;
            int count;
            if (now > lastTick)
            {
                count = (int)Math.Min(wanted, _sequenceMask + 1);
                next = (now << _sequenceBits) | (count - 1L);
            }
            else if (now < lastTick && !MayIssueAheadOfClock(lastTick - now, ref spinner))
            {
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
                    IdsTelemetry.SequenceExhausted.Add(1);
                }

                WaitForClock(ref spinner);
                continue;
            }

            var nextTick = next >> _sequenceBits;
            if (nextTick > Volatile.Read(ref _issuableThrough))
            {
                AdvanceMark(nextTick);
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

    private long CurrentTicks() => (_time.GetUtcNow().UtcTicks - _epochTicks) / _unitTicks;

    private bool MayIssueAheadOfClock(long behindTicks, ref SpinWait spinner)
    {
        switch (_policy)
        {
            case ClockBackwardsPolicy.Logical:
                return true;
            case ClockBackwardsPolicy.Wait when behindTicks <= _maxWaitUnits:
                if (spinner.Count == 0)
                {
                    IdsTelemetry.ClockBehind.Add(1);
                }

                WaitForClock(ref spinner);
                return false;
            default:
                IdsTelemetry.ClockBehind.Add(1);
                throw new ClockMovedBackwardsException(TimeSpan.FromTicks(behindTicks * _unitTicks));
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

    private void AdvanceMark(long neededTick)
    {
        if (neededTick > _layout.MaxTicks)
        {
            throw new IdSpaceExhaustedException(_layout.ExhaustedAt);
        }

        if (_marks is null)
        {
            return;
        }

        lock (_marks)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (neededTick > _issuableThrough)
            {
                Volatile.Write(ref _issuableThrough, Math.Min(_marks.Advance(neededTick), _layout.MaxTicks));
            }
        }
    }

    /// <summary>Records the time mark at the last issued tick, so a restart need not wait out the mark's reach.</summary>
    public void Dispose()
    {
        if (_marks is null)
        {
            return;
        }

        lock (_marks)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var lastTick = Volatile.Read(ref _state) >> _sequenceBits;

            // Ids beyond the recorded tick would not be covered by the mark: stop issuing them.
            Volatile.Write(ref _issuableThrough, Math.Max(lastTick, -1));
            _marks.Close(lastTick);
        }
    }
}
