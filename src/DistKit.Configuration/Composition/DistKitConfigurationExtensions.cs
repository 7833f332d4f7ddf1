using DistKit.Configuration.Provider;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds a DistKit namespace to an app's configuration: <c>builder.Configuration.AddDistKit(o => o.Namespace = "shop/prod")</c>.</summary>
public static class DistKitConfigurationExtensions
{
    /// <summary>
    /// Adds the namespace <paramref name="configure"/> names, loaded from a DistKit node at start and
    /// kept current as releases are published (one reload per release), with a disk copy to start
    /// from while the node is unreachable.
    /// </summary>
    public static IConfigurationBuilder AddDistKit(this IConfigurationBuilder builder, Action<DistKitConfigurationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DistKitConfigurationOptions();
        configure(options);
        options.Check();
        return builder.Add(new DistKitConfigurationSource(options));
    }
}
