# syntax=docker/dockerfile:1
# One image per process of the platform, from the same Dockerfile:
#   docker build --build-arg SDK_IMAGE=... --build-arg RUNTIME_IMAGE=... \
#     --build-arg PROJECT=services/Intake/Intake.csproj --build-arg ASSEMBLY=Complaints.Intake.dll -t complaints/intake .
#   (gateway: PROJECT=gateway/Gateway.csproj ASSEMBLY=Complaints.Gateway.dll; identity:
#   PROJECT=services/Identity/Identity.csproj ASSEMBLY=Complaints.Identity.dll; web:
#   PROJECT=services/Web/Web.csproj ASSEMBLY=Complaints.Web.dll)
# See docs/deployment.md for every image. The process listens where Kestrel__Endpoints__* say (the k8s
# manifests set them); the appsettings.json defaults bind 127.0.0.1 only.

# Base images, given by the build (no registry is named in the repository): the .NET 10 SDK image and the
# ASP.NET Core 10 runtime image (Microsoft's dotnet/sdk:10.0 and dotnet/aspnet:10.0, or your mirror's copies).
#   --build-arg SDK_IMAGE=<registry>/dotnet/sdk:10.0 --build-arg RUNTIME_IMAGE=<registry>/dotnet/aspnet:10.0
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

FROM ${SDK_IMAGE} AS build
ARG PROJECT
ARG ASSEMBLY
RUN test -n "$PROJECT" && test -n "$ASSEMBLY" \
    || (echo "build with --build-arg PROJECT=<path/to/X.csproj> --build-arg ASSEMBLY=<X.dll>" >&2; exit 1)
WORKDIR /src

# Restore layer: only what restore reads, so source edits do not invalidate the package cache.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protos/Complaints.Contracts.csproj protos/
COPY services/ServiceDefaults/ServiceDefaults.csproj services/ServiceDefaults/
COPY services/Eventing/Eventing.csproj services/Eventing/
COPY services/Calendars/Calendars.csproj services/Calendars/
COPY services/Intake/Intake.csproj services/Intake/
COPY services/Routing/Routing.csproj services/Routing/
COPY services/Notifications/Notifications.csproj services/Notifications/
COPY services/Insights/Insights.csproj services/Insights/
COPY services/Identity/Identity.csproj services/Identity/
COPY services/Web/Web.csproj services/Web/
COPY gateway/Gateway.csproj gateway/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore "$PROJECT"

# Build layer: the sources (bin/, obj/, tests/ and .data/ are kept out by .dockerignore).
COPY protos/ protos/
COPY services/ services/
COPY gateway/ gateway/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish "$PROJECT" -c Release --no-restore -o /app /p:UseAppHost=false \
    && test -f "/app/$ASSEMBLY"

FROM ${RUNTIME_IMAGE} AS runtime
ARG ASSEMBLY
WORKDIR /app
COPY --from=build /app ./
# Ports come from Kestrel__Endpoints__* (gRPC h2c and HTTP/1.1); the image's default HTTP port is not used.
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_ENVIRONMENT=Production \
    DataDir=/data \
    APP_ASSEMBLY=${ASSEMBLY}
EXPOSE 8080 8081
# The runtime image's non-root "app" user, numeric so that runAsNonRoot can verify it (the manifests set it too).
USER 1654
# exec: dotnet becomes PID 1 and gets SIGTERM directly.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"/app/$APP_ASSEMBLY\" \"$@\"", "--"]
