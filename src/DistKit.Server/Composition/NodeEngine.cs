using DistKit.Core.Composition;
using DistKit.Server.Settings;

namespace DistKit.Server.Composition;

/// <summary>
/// One engine as the node serves it: its name, the settings that say where it is, and the engine
/// package's registration on the composition layer (which capabilities it serves is the package's
/// business, recorded in the engine catalog).
/// </summary>
internal sealed record NodeEngine(string Name, IReadOnlyList<NodeSetting> Settings, Func<DistKitBuilder, DistKitBuilder> Register);
