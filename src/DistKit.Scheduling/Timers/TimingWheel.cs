namespace DistKit.Scheduling.Timers;

/// <summary>
/// A hierarchical timing wheel (as in Kafka's purgatory): level 0 has one bucket per tick, each
/// higher level's bucket spans a whole turn of the level below, and levels are added only when a
/// timer is due beyond the last one. Scheduling and cancelling cost O(1) whatever the number of
/// pending timers; the clock jumps from one non-empty bucket to the next through a priority queue of
/// buckets, so empty ticks cost nothing and no thread wakes for them.
/// </summary>
/// <remarks>
/// A timer never fires before its due time and at most one tick after it (plus however late the
/// <see cref="TimeProvider"/>'s own timer is): a timer due within tick <c>k</c> fires when tick
/// <c>k</c> ends.
/// </remarks>
public sealed class TimingWheel : DrivenTimerScheduler
{
    private readonly long _tick;
    private readonly int _bits;
    private readonly long _mask;
    private readonly List<Level> _levels = [];
    private readonly PriorityQueue<Bucket, long> _buckets = new();

    // The last tick whose timers have all fired (ticks numbered from 0001-01-01 in units of _tick).
    private long _current;

    /// <summary>Creates a wheel.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="tick">The wheel's resolution, at least 1 ms: how late a timer may fire at most. Default 1 ms.</param>
    /// <param name="wheelSize">Buckets per level, a power of two from 2. Default 512 (level 0 spans 512 ticks).</param>
    /// <param name="callbackFailed">Told of a callback's exception; see <see cref="DrivenTimerScheduler"/>.</param>
    public TimingWheel(TimeProvider? timeProvider = null, TimeSpan? tick = null, int wheelSize = 512, Action<Exception>? callbackFailed = null)
        : base(timeProvider, callbackFailed)
    {
        var length = tick ?? TimeSpan.FromMilliseconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, TimeSpan.FromMilliseconds(1), nameof(tick));
        ArgumentOutOfRangeException.ThrowIfLessThan(wheelSize, 2);
        if (!int.IsPow2(wheelSize))
        {
            throw new ArgumentOutOfRangeException(nameof(wheelSize), wheelSize, "the wheel size must be a power of two, so a bucket is found by shifting, not dividing");
        }

        _tick = length.Ticks;
        _bits = int.Log2(wheelSize);
        _mask = wheelSize - 1;
        Tick = length;
        _current = TimeProvider.GetUtcNow().UtcTicks / _tick;
        _levels.Add(new Level(shift: 0, wheelSize));
    }

    /// <summary>The wheel's resolution.</summary>
    public TimeSpan Tick { get; }

    private protected override long NextWorkTicks => _buckets.TryPeek(out _, out var expiry) ? expiry * _tick : long.MaxValue;

    private protected override void Add(int slot, long nowTicks)
    {
        // An idle wheel's clock stands where the last bucket fired; moving it to now first places the
        // timer in its final bucket instead of one that must cascade at once.
        if (_buckets.Count == 0)
        {
            _current = Math.Max(_current, nowTicks / _tick);
        }

        Place(slot, due: null);
    }

    private protected override void Remove(int slot) => Unlink(slot);

    private protected override void TakeDue(long nowTicks, List<DueTimer> due)
    {
        var now = nowTicks / _tick;
        while (_buckets.TryPeek(out var bucket, out var expiry) && expiry <= now)
        {
            _buckets.Dequeue();
            _current = expiry;
            bucket.Expiry = -1;

            // Entries of a higher level's bucket cascade down, or fire when their tick has come.
            var root = bucket.Root;
            for (var slot = Slots.Next[root]; slot != root;)
            {
                var following = Slots.Next[slot];
                Unlink(slot);
                Place(slot, due);
                slot = following;
            }
        }

        // Nothing is due before the next bucket, so the clock may move on to now (cascading then
        // places new timers relative to the present, not to the last bucket that fired).
        _current = Math.Max(_current, now);
        if (due.Count > 1)
        {
            due.Sort(static (a, b) => a.DueTicks.CompareTo(b.DueTicks));
        }
    }

    private void Place(int slot, List<DueTimer>? due)
    {
        // The tick at whose end the timer may fire: never before its due time.
        var expiry = (Slots.Due[slot] + _tick - 1) / _tick;
        if (expiry <= _current)
        {
            if (due is not null)
            {
                TakeSlot(slot, due);
                return;
            }

            // Scheduled for a tick already past: the next tick, as the queue never fires inline.
            expiry = _current + 1;
        }

        for (var level = 0; ; level++)
        {
            if (level == _levels.Count)
            {
                _levels.Add(new Level(_levels[^1].Shift + _bits, (int)_mask + 1));
            }

            // Level L's buckets span 2^(bits·L) ticks; it holds what is due before its turn ends
            // (the top level, whose turn outlasts any time a long can hold, holds everything).
            var wheel = _levels[level];
            var shift = wheel.Shift;
            if (shift + _bits >= 63 || (expiry >> (shift + _bits)) == (_current >> (shift + _bits)))
            {
                var index = expiry >> shift;
                ref var bucket = ref wheel.Buckets[index & _mask];
                bucket ??= new Bucket(Slots);
                var bucketExpiry = index << shift;
                if (bucket.Expiry != bucketExpiry)
                {
                    bucket.Expiry = bucketExpiry;
                    _buckets.Enqueue(bucket, bucketExpiry);
                }

                Append(bucket.Root, slot);
                return;
            }
        }
    }

    // Each bucket is a circular doubly linked list through Slots.Next/Previous around a sentinel
    // slot of its own: append and unlink in O(1), and no link from a timer to its bucket (a bucket
    // emptied by cancels just fires with nothing in it).
    private void Append(int root, int slot)
    {
        var last = Slots.Previous[root];
        Slots.Previous[slot] = last;
        Slots.Next[slot] = root;
        Slots.Next[last] = slot;
        Slots.Previous[root] = slot;
    }

    private void Unlink(int slot)
    {
        var previous = Slots.Previous[slot];
        var next = Slots.Next[slot];
        Slots.Next[previous] = next;
        Slots.Previous[next] = previous;
    }

    private sealed class Level(int shift, int size)
    {
        // log2 of how many ticks one bucket of this level spans: 0, bits, 2·bits, …
        public int Shift { get; } = shift;

        public Bucket?[] Buckets { get; } = new Bucket?[size];
    }

    private sealed class Bucket
    {
        public Bucket(TimerSlots slots)
        {
            Root = slots.Take(0, null, null);
            slots.Next[Root] = Root;
            slots.Previous[Root] = Root;
        }

        public int Root { get; }

        public long Expiry { get; set; } = -1;
    }
}
