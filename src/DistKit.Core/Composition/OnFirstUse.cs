namespace DistKit.Core.Composition;

/// <summary>
/// A value made asynchronously on first use and shared afterwards; made again on the next use if
/// making it failed, so an engine that was down when the first request came is connected by a
/// later one. No thread blocks while it is made, and a caller that cancels stops waiting without
/// cancelling the making that other callers wait for.
/// </summary>
public sealed class OnFirstUse<T>(Func<CancellationToken, Task<T>> make) : IAsyncDisposable
    where T : class
{
    private readonly Lock _gate = new();
    private Task<T>? _making;
    private bool _disposed;

    /// <summary>The value, made now if it has not been.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken = default)
    {
        Task<T> making;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_making is null || _making.IsFaulted || _making.IsCanceled)
            {
                _making = make(CancellationToken.None);
            }

            making = _making;
        }

        return making.IsCompleted ? making : making.WaitAsync(cancellationToken);
    }

    /// <summary>Disposes the value if it was made and is disposable.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<T>? making;
        lock (_gate)
        {
            _disposed = true;
            making = _making;
        }

        if (making is null)
        {
            return;
        }

        T value;
        try
        {
            value = await making;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return;
        }

        switch (value)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
