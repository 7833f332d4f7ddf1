namespace DistKit.Server.Settings;

/// <summary>
/// One setting a capability module or an engine adds to the node: its key in the DistKit section,
/// spelled as an app's configuration spells it (<c>Ids:Worker</c>, <c>Engines:Redis</c>), and the
/// environment variable that sets it (<c>DISTKIT_ID_WORKER</c>).
/// </summary>
internal sealed record NodeSetting(string Key, string Environment);
