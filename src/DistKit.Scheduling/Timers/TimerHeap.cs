namespace DistKit.Scheduling.Timers;

/// <summary>
/// A 4-ary min-heap of timers by due time (the layout Go's runtime uses): O(log n) to schedule and
/// to cancel, fires exactly at the due time (plus however late the <see cref="TimeProvider"/>'s own
/// timer is), and a shallower tree than a binary heap, so fewer cache misses per operation.
/// </summary>
public sealed class TimerHeap : DrivenTimerScheduler
{
    private const int Arity = 4;

    // Slots in heap order; each slot's index here is kept in Slots.Next.
    private int[] _heap = new int[64];
    private int _length;

    /// <summary>Creates a heap.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="callbackFailed">Told of a callback's exception; see <see cref="DrivenTimerScheduler"/>.</param>
    public TimerHeap(TimeProvider? timeProvider = null, Action<Exception>? callbackFailed = null)
        : base(timeProvider, callbackFailed)
    {
    }

    private protected override long NextWorkTicks => _length == 0 ? long.MaxValue : Slots.Due[_heap[0]];

    private protected override void Add(int slot, long nowTicks)
    {
        if (_length == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        _length++;
        SiftUp(_length - 1, slot);
    }

    private protected override void Remove(int slot) => RemoveAt(Slots.Next[slot]);

    private protected override void TakeDue(long nowTicks, List<DueTimer> due)
    {
        while (_length > 0 && Slots.Due[_heap[0]] <= nowTicks)
        {
            var slot = _heap[0];
            RemoveAt(0);
            TakeSlot(slot, due);
        }
    }

    private void RemoveAt(int index)
    {
        _length--;
        if (index == _length)
        {
            return;
        }

        // The last entry fills the hole, then moves up or down to where it belongs.
        var last = _heap[_length];
        if (index > 0 && Slots.Due[last] < Slots.Due[_heap[(index - 1) / Arity]])
        {
            SiftUp(index, last);
        }
        else
        {
            SiftDown(index, last);
        }
    }

    // Places slot at index or above it, moving larger parents down.
    private void SiftUp(int index, int slot)
    {
        var due = Slots.Due[slot];
        while (index > 0)
        {
            var parent = (index - 1) / Arity;
            if (Slots.Due[_heap[parent]] <= due)
            {
                break;
            }

            Put(index, _heap[parent]);
            index = parent;
        }

        Put(index, slot);
    }

    // Places slot at index or below it, moving the least child up each level.
    private void SiftDown(int index, int slot)
    {
        var due = Slots.Due[slot];
        while (true)
        {
            var first = (index * Arity) + 1;
            if (first >= _length)
            {
                break;
            }

            var least = first;
            var end = Math.Min(first + Arity, _length);
            for (var child = first + 1; child < end; child++)
            {
                if (Slots.Due[_heap[child]] < Slots.Due[_heap[least]])
                {
                    least = child;
                }
            }

            if (Slots.Due[_heap[least]] >= due)
            {
                break;
            }

            Put(index, _heap[least]);
            index = least;
        }

        Put(index, slot);
    }

    private void Put(int index, int slot)
    {
        _heap[index] = slot;
        Slots.Next[slot] = index;
    }
}
