using Microsoft.Extensions.Configuration;

namespace DistKit.Configuration.Provider;

/// <summary>The configuration source <c>AddDistKit(…)</c> adds: builds one <see cref="DistKitConfigurationProvider"/>.</summary>
public sealed class DistKitConfigurationSource(DistKitConfigurationOptions options) : IConfigurationSource
{
    /// <summary>The options the provider is built with.</summary>
    public DistKitConfigurationOptions Options => options;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DistKitConfigurationProvider(options);
}
