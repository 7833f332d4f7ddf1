using System.Globalization;

namespace DistKit.Scheduling.Jobs;

/// <summary>
/// How a store tells the nodes of a job due inside their window, in text: <c>shard:id:due:version</c>
/// (times in Unix ms). PostgreSQL's NOTIFY and Redis's PUBLISH carry this form.
/// </summary>
public static class JobNotice
{
    /// <summary>The notice for <paramref name="job"/>.</summary>
    public static string Text(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return string.Create(CultureInfo.InvariantCulture, $"{job.Shard}:{job.Id}:{job.Due.ToUnixTimeMilliseconds()}:{job.Updated.ToUnixTimeMilliseconds()}");
    }

    /// <summary>Reads one notice; false for anything else.</summary>
    public static bool TryParse(string? text, out DueJob job)
    {
        job = default;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var due)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        job = new DueJob(parts[1], shard, DateTimeOffset.FromUnixTimeMilliseconds(due), version);
        return true;
    }
}
