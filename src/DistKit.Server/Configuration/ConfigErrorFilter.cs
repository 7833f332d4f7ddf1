using DistKit.Configuration;
using DistKit.Server.Http;

namespace DistKit.Server.Configuration;

/// <summary>Turns the configuration center's refusals into the API's errors, for every <c>/v1/config</c> route.</summary>
internal sealed class ConfigErrorFilter : IEndpointFilter
{
    /// <summary>A value that does not parse as its type or breaks a schema (400).</summary>
    public const string InvalidValue = "invalid_value";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ConfigValidationException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, InvalidValue, e.Message);
        }
        catch (ConfigConflictException e)
        {
            throw ApiException.Conflict(e.Message);
        }
        catch (KeyNotFoundException e)
        {
            throw ApiException.NotFound(e.Message);
        }
        catch (InvalidOperationException e) when (e.GetType() == typeof(InvalidOperationException) && e.Source == typeof(IConfigCenter).Assembly.GetName().Name)
        {
            // The center's own "not in a state for that" (no drafts, already at that version), not
            // any InvalidOperationException a bug would throw.
            throw ApiException.Conflict(e.Message);
        }
        catch (ArgumentException e)
        {
            throw ApiException.InvalidArgument(e.Message.Split(" (Parameter")[0]);
        }
    }
}
