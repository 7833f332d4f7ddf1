namespace DistKit.Scheduling.Timers;

/// <summary>
/// The pending timers of one queue, one slot each, in parallel arrays: no object per timer, so a
/// million pending timers are a few arrays the garbage collector scans in one pass, not a million
/// objects it must trace, and a slot freed by firing or cancelling is reused by the next timer.
/// 36 bytes a slot: due time, callback, state, generation and two links (the wheel's list
/// neighbours; the heap keeps its index in <see cref="Next"/>).
/// </summary>
internal sealed class TimerSlots
{
    private const int None = -1;

    private int _free = None;
    private int _used;

    public TimerSlots(int capacity = 64)
    {
        Due = new long[capacity];
        Callback = new Action<object?>?[capacity];
        State = new object?[capacity];
        Generation = new int[capacity];
        Next = new int[capacity];
        Previous = new int[capacity];
    }

    public long[] Due { get; private set; }

    public Action<object?>?[] Callback { get; private set; }

    public object?[] State { get; private set; }

    public int[] Generation { get; private set; }

    public int[] Next { get; private set; }

    public int[] Previous { get; private set; }

    /// <summary>Takes a free slot (growing the arrays when none is), with its links unset.</summary>
    public int Take(long due, Action<object?>? callback, object? state)
    {
        int slot;
        if (_free != None)
        {
            slot = _free;
            _free = Next[slot];
        }
        else
        {
            if (_used == Due.Length)
            {
                Grow();
            }

            slot = _used++;
            Generation[slot] = 1;
        }

        Due[slot] = due;
        Callback[slot] = callback;
        State[slot] = state;
        Next[slot] = None;
        Previous[slot] = None;
        return slot;
    }

    /// <summary>Whether <paramref name="handle"/> names the timer now in its slot.</summary>
    public bool Holds(TimerHandle handle) =>
        (uint)handle.Slot < (uint)_used && Generation[handle.Slot] == handle.Generation;

    /// <summary>Returns <paramref name="slot"/> for reuse; handles to it stop matching.</summary>
    public void Release(int slot)
    {
        // Wrapping past int.MaxValue skips 0, which default(TimerHandle) holds.
        Generation[slot] = Generation[slot] == int.MaxValue ? 1 : Generation[slot] + 1;
        Callback[slot] = null;
        State[slot] = null;
        Previous[slot] = None;
        Next[slot] = _free;
        _free = slot;
    }

    /// <summary>Drops every callback and state, so a disposed queue keeps nothing of its callers alive.</summary>
    public void Clear()
    {
        Array.Clear(Callback);
        Array.Clear(State);
    }

    private void Grow()
    {
        var capacity = Due.Length * 2;
        Due = Resized(Due, capacity);
        Callback = Resized(Callback, capacity);
        State = Resized(State, capacity);
        Generation = Resized(Generation, capacity);
        Next = Resized(Next, capacity);
        Previous = Resized(Previous, capacity);
    }

    private static T[] Resized<T>(T[] array, int capacity)
    {
        Array.Resize(ref array, capacity);
        return array;
    }
}
