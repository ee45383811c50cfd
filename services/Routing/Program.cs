using Complaints.Routing;
using Complaints.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("routing");
builder.AddRouting();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRouting();
app.Run();

/// <summary>Marker for test hosts.</summary>
public partial class Program;
