using System.Globalization;
using System.Security.Cryptography;

namespace DistKit.Ids.Workers;

/// <summary>
/// A worker id kept in a file, so a process gets the same id across restarts. The first run picks
/// one at random (or takes <paramref name="initialId"/>); the file is locked while the lease lives,
/// so a second process on the same machine cannot take the same id by accident.
/// </summary>
/// <remarks>
/// Unique across machines only if each machine's file holds a different id; use an engine-leased
/// source when machines come and go (autoscaling), where random first picks can collide.
/// </remarks>
/// <param name="path">The id file; its directory is created if missing.</param>
/// <param name="initialId">The id to write on first use; null picks one at random.</param>
public sealed class FileWorkerIdSource(string path, long? initialId = null) : IWorkerIdSource
{
    /// <summary>The id file.</summary>
    public string FilePath { get; } = Path.GetFullPath(path);

    /// <inheritdoc />
    public ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxId);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        FileStream file;
        try
        {
            // FileShare.None takes an exclusive advisory lock on Unix: a second live process fails here.
            file = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new WorkerIdUnavailableException($"worker id file '{FilePath}' is held by another live process ({e.Message}); give each process its own file or worker id", isTransient: true);
        }

        try
        {
            var id = ReadOrCreate(file, maxId);
            return ValueTask.FromResult(new WorkerIdLease(id, () => file.DisposeAsync()));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private long ReadOrCreate(FileStream file, long maxId)
    {
        using var reader = new StreamReader(file, leaveOpen: true);
        var text = reader.ReadToEnd().Trim();
        if (text.Length > 0)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var stored))
            {
                throw new InvalidDataException($"worker id file '{FilePath}' holds '{text}', not a worker id");
            }

            return stored <= maxId
                ? stored
                : throw new WorkerIdUnavailableException($"worker id file '{FilePath}' holds {stored}, above this layout's largest worker id {maxId}", isTransient: false);
        }

        var id = initialId ?? RandomNumberGenerator.GetInt32(0, (int)Math.Min(maxId, int.MaxValue - 1) + 1);
        if (id < 0 || id > maxId)
        {
            throw new WorkerIdUnavailableException($"the initial worker id {id} is outside this layout's range 0 to {maxId}", isTransient: false);
        }

        file.SetLength(0);
        using var writer = new StreamWriter(file, leaveOpen: true);
        writer.Write(id.ToString(CultureInfo.InvariantCulture));
        writer.Flush();
        file.Flush(flushToDisk: true);
        return id;
    }
}
