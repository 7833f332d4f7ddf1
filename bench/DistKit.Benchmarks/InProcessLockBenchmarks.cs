using BenchmarkDotNet.Attributes;
using DistKit.Locks;

namespace DistKit.Benchmarks;

/// <summary>
/// The in-process backend's own cost, uncontended, against the primitive a .NET developer would
/// reach for instead: a <see cref="SemaphoreSlim"/> per name in a dictionary (no fencing token, no
/// FIFO guarantee, no cleanup of idle names). Also the fencing guard's check at the resource.
/// </summary>
[MemoryDiagnoser]
public class InProcessLockBenchmarks
{
    private readonly InProcessLockProvider _locks = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _semaphores = new(StringComparer.Ordinal);
    private readonly FencingGuard _guard = new();
    private long _token;

    [Benchmark(Baseline = true, Description = "SemaphoreSlim per name: WaitAsync + Release")]
    public async Task SemaphorePerName()
    {
        var gate = _semaphores.GetOrAdd("job", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        gate.Release();
    }

    [Benchmark(Description = "InProcessLockProvider: TryAcquireAsync + DisposeAsync")]
    public async Task InProcessTryLock()
    {
        var handle = await _locks.CreateLock("job").TryAcquireAsync();
        await handle!.DisposeAsync();
    }

    [Benchmark(Description = "InProcessLockProvider: AcquireAsync + DisposeAsync")]
    public async Task InProcessAcquire()
    {
        var handle = await _locks.CreateLock("job").AcquireAsync();
        await handle.DisposeAsync();
    }

    [Benchmark(Description = "FencingGuard.TryAccept, a newer token each call")]
    public bool GuardAccept() => _guard.TryAccept("invoice:42", ++_token);
}
