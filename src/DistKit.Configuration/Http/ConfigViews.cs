using System.Text.Json;

namespace DistKit.Configuration.Http;

/// <summary>The model as <c>/v1/config</c> shows it, and back: one mapping for the node and its clients.</summary>
public static class ConfigViews
{
    /// <summary>An entry as the API shows it.</summary>
    public static EntryView Of(ConfigEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Namespace, e.Key, e.Type.ToWire(), e.Value, e.Version, e.Revision, e.Author, e.Updated);
    }

    /// <summary>A history row as the API shows it.</summary>
    public static VersionView Of(KeyVersion v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.Version, v.Revision, v.Type.ToWire(), v.Value, v.Deleted, v.Author, v.Message, v.Time);
    }

    /// <summary>A version a release wrote, as the API shows it.</summary>
    public static ChangeView Change(KeyVersion v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new(v.Key, v.Type.ToWire(), v.Value, v.Version, v.Deleted);
    }

    /// <summary>A release as the API shows it.</summary>
    public static ReleaseView Of(ConfigRelease r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Revision, r.Namespace, r.Kind.ToWire(), false, r.Author, r.Message, r.Time, [.. r.Changes.Select(Change)], Target(r.Target));
    }

    /// <summary>A watch event as the API shows it.</summary>
    public static ReleaseView Of(ConfigEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Release is { } release && !e.IsSnapshot
            ? new(e.Revision, e.Namespace, release.Kind.ToWire(), false, release.Author, release.Message, release.Time, [.. e.Changes.Select(Change)], Target(release.Target))
            : new(e.Revision, e.Namespace, "snapshot", true, null, null, null, [.. e.Changes.Select(Change)]);
    }

    /// <summary>A draft as the API shows it.</summary>
    public static DraftView Of(ConfigDraft d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Change.Key, d.Change.Type.ToWire(), d.Change.Value, d.Change.Value is null, d.Change.ExpectedVersion, d.Author, d.Staged);
    }

    /// <summary>The entry an <see cref="EntryView"/> shows.</summary>
    public static ConfigEntry ToEntry(EntryView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.Ns, view.Key, TypeOf(view.Type), view.Value, view.Version, view.Revision, view.Author, view.Updated);
    }

    /// <summary>The history row a <see cref="VersionView"/> of <paramref name="key"/> shows.</summary>
    public static KeyVersion ToVersion(string ns, string key, VersionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(ns, key, view.Version, view.Revision, TypeOf(view.Type), view.Deleted ? null : view.Value ?? "", view.Author, view.Message, view.Time);
    }

    /// <summary>The watch event a <see cref="ReleaseView"/> shows.</summary>
    public static ConfigEvent ToEvent(ReleaseView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var author = view.Author ?? "";
        var message = view.Message ?? "";
        var time = view.Time ?? DateTimeOffset.UnixEpoch;
        IReadOnlyList<KeyVersion> changes =
            [.. view.Changes.Select(c => new KeyVersion(view.Ns, c.Key, c.Version, view.Revision, TypeOf(c.Type), c.Deleted ? null : c.Value ?? "", author, message, time))];
        return view.Snapshot
            ? new ConfigEvent(view.Revision, view.Ns, true, changes, null)
            : new ConfigEvent(view.Revision, view.Ns, false, changes,
                new ConfigRelease(view.Revision, view.Ns, ReleaseKinds.FromWire(view.Kind), author, message, time, changes,
                    view.Target is { } target ? new GrayTarget(target.Labels ?? new Dictionary<string, string>(), target.Percent) : null));
    }

    /// <summary>A schema's text as a JSON element for the API.</summary>
    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static ConfigValueType TypeOf(string type) =>
        ConfigValueTypes.TryParse(type, out var parsed) ? parsed : throw new FormatException($"'{type}' is not a value type the node should send");

    private static GrayTargetView? Target(GrayTarget? target) => target is null ? null : new(target.Labels, target.Percent);
}
