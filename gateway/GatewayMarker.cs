namespace Complaints.Gateway;

/// <summary>A type of the gateway's assembly, for WebApplicationFactory in tests (Program classes of two apps clash).</summary>
public sealed class GatewayMarker;
