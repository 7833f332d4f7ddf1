using System.Text.Json;
using DistKit.Configuration;

namespace DistKit.Server.Configuration;

/// <summary>The config module's model types as the API shows them.</summary>
internal static class ConfigViews
{
    public static EntryView Of(ConfigEntry e) => new(e.Namespace, e.Key, e.Type.ToWire(), e.Value, e.Version, e.Revision, e.Author, e.Updated);

    public static VersionView Of(KeyVersion v) => new(v.Version, v.Revision, v.Type.ToWire(), v.Value, v.Deleted, v.Author, v.Message, v.Time);

    public static ChangeView Change(KeyVersion v) => new(v.Key, v.Type.ToWire(), v.Value, v.Version, v.Deleted);

    public static ReleaseView Of(ConfigRelease r) =>
        new(r.Revision, r.Namespace, Kind(r.Kind), false, r.Author, r.Message, r.Time, [.. r.Changes.Select(Change)]);

    public static ReleaseView Of(ConfigEvent e) => e.Release is { } release && !e.IsSnapshot
        ? new(e.Revision, e.Namespace, Kind(release.Kind), false, release.Author, release.Message, release.Time, [.. e.Changes.Select(Change)])
        : new(e.Revision, e.Namespace, "snapshot", true, null, null, null, [.. e.Changes.Select(Change)]);

    public static DraftView Of(ConfigDraft d) =>
        new(d.Change.Key, d.Change.Type.ToWire(), d.Change.Value, d.Change.Value is null, d.Change.ExpectedVersion, d.Author, d.Staged);

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string Kind(ReleaseKind kind) => kind == ReleaseKind.Rollback ? "rollback" : "publish";
}
