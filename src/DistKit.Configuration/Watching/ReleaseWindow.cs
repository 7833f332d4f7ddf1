namespace DistKit.Configuration.Watching;

/// <summary>
/// One immutable view of the recent releases the center holds: every release with a revision in
/// (<see cref="Floor"/>, <see cref="Head"/>], in order, and a task that completes when a newer view
/// replaces this one. A watcher reads a view and waits on it, so it cannot miss a release published
/// between the two.
/// </summary>
internal sealed class ReleaseWindow(long floor, long head, ConfigRelease[] releases)
{
    private readonly TaskCompletionSource _replaced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Floor => floor;

    public long Head => head;

    public IReadOnlyList<ConfigRelease> Releases => releases;

    /// <summary>Completes when the center has a newer view.</summary>
    public Task Replaced => _replaced.Task;

    /// <summary>True when every release after <paramref name="revision"/> up to <see cref="Head"/> is in this view.</summary>
    public bool Covers(long revision) => revision >= floor;

    /// <summary>The releases of <paramref name="ns"/> after <paramref name="revision"/>, in order.</summary>
    public List<ConfigRelease> After(long revision, string ns)
    {
        var start = FirstAfter(revision);
        var found = new List<ConfigRelease>();
        for (var i = start; i < releases.Length; i++)
        {
            if (releases[i].Namespace == ns)
            {
                found.Add(releases[i]);
            }
        }

        return found;
    }

    public void MarkReplaced() => _replaced.TrySetResult();

    private int FirstAfter(long revision)
    {
        int low = 0, high = releases.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (releases[mid].Revision <= revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
