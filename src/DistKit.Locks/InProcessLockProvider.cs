using System.Collections.Concurrent;

namespace DistKit.Locks;

/// <summary>
/// Keyed locks inside one process: strictly first come, first served, no thread blocked while
/// waiting, cancellation and timeouts remove the waiter at once. Fencing tokens come from one
/// counter per provider, so they grow strictly per name. The chapter's in-process mutex and try-lock, by name.
/// </summary>
/// <param name="timeProvider">The clock for wait timeouts. Default: <see cref="TimeProvider.System"/>.</param>
public sealed class InProcessLockProvider(TimeProvider? timeProvider = null) : IDistributedLockProvider
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    // One counter for every name: tokens stay strictly increasing per name even after an idle
    // name's state is dropped, without keeping a counter per name forever.
    private long _fence;

    /// <inheritdoc />
    public string Backend => "in-process";

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, EnterAsync);
    }

    /// <summary>How many names currently hold state (held or waited on); idle names are dropped.</summary>
    public int ActiveNames => _gates.Count;

    /// <summary>How many callers wait for <paramref name="name"/> (for monitoring and tests).</summary>
    public int QueuedFor(string name)
    {
        if (!_gates.TryGetValue(name, out var gate))
        {
            return 0;
        }

        lock (gate)
        {
            return gate.Waiters.Count;
        }
    }

    private async ValueTask<LockHandle?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<long> waiter;
        Gate gate;
        while (true)
        {
            gate = _gates.GetOrAdd(name, static _ => new Gate());
            lock (gate)
            {
                if (gate.Retired)
                {
                    continue;
                }

                if (!gate.Held)
                {
                    gate.Held = true;
                    return Handle(name, gate, Interlocked.Increment(ref _fence));
                }

                if (wait == TimeSpan.Zero)
                {
                    return null;
                }

                waiter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                gate.Waiters.AddLast(waiter);
                break;
            }
        }

        using var timeout = wait != Timeout.InfiniteTimeSpan ? new CancellationTokenSource(wait, _time) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked?.Token ?? cancellationToken;
        using (token.Register(() => waiter.TrySetCanceled(token)))
        {
            try
            {
                return Handle(name, gate, await waiter.Task);
            }
            catch (OperationCanceledException)
            {
                lock (gate)
                {
                    if (waiter.Task.IsCompletedSuccessfully)
                    {
                        // Handed the lock just as the wait ended: pass it on rather than leak it.
                        Release(name, gate);
                    }
                    else
                    {
                        gate.Waiters.Remove(waiter);
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                return null;
            }
        }
    }

    private LockHandle Handle(string name, Gate gate, long fence) =>
        new(name, fence, () =>
        {
            lock (gate)
            {
                Release(name, gate);
            }

            return ValueTask.CompletedTask;
        });

    // Called under the gate's lock: hand over to the first waiter, or free (and forget) the name.
    private void Release(string name, Gate gate)
    {
        while (gate.Waiters.First is { } next)
        {
            gate.Waiters.RemoveFirst();
            if (next.Value.TrySetResult(Interlocked.Increment(ref _fence)))
            {
                return;
            }
        }

        gate.Held = false;
        gate.Retired = true;
        _gates.TryRemove(new KeyValuePair<string, Gate>(name, gate));
    }

    private sealed class Gate
    {
        public bool Held;
        public bool Retired;
        public readonly LinkedList<TaskCompletionSource<long>> Waiters = new();
    }
}
