namespace DistKit.Cli.Bench;

/// <summary>
/// One client of <c>distkit bench locks</c> on a connection of its own, as a separate process
/// would be: DistKit's provider for a backend, or the peer library.
/// </summary>
internal interface ILockContender : IAsyncDisposable
{
    /// <summary>The lock within <paramref name="wait"/>, or null.</summary>
    ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>A held lock: its fencing token (null where the library has none) and how to give it back.</summary>
internal sealed record BenchHold(long? FencingToken, Func<ValueTask> Release);

/// <summary>Makes contenders for one library on one backend.</summary>
internal sealed record ContenderFactory(string Library, Func<int, CancellationToken, Task<ILockContender>> ConnectAsync);
