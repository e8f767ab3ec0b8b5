-- Argo CD health check for previews.dev/PreviewDeployment (preview-operator).
-- Healthy: Ready=True for the current generation and commit. Progressing: provisioning, seeding,
-- recreating, a BlueGreen rollover to spec.commit under way (the old commit serves meanwhile), or the
-- status is older than the spec. Degraded: a BlueGreen rollover to spec.commit failed (its seed failed
-- or its backend never became available; the old commit keeps serving, the message says which, but
-- the commit Argo CD synced does not run: like an aborted Argo Rollout), the seed failed, provisioning failed or cannot
-- start (ProvisionFailed, InvalidSpec, UnknownPlan, BranchConflict), or the API server keeps refusing
-- the operator's requests (ReconcileError). Suspended: expired (plan expiry Deprovision; a new
-- commit provisions it again), asleep (scaled to zero after its plan's sleepAfter without activity or
-- outside its awake hours; `preview wake` brings it back), scaled to zero by spec.backend.replicas, or
-- waiting for a free slot under the namespace's deployment limit (admitted by itself when another
-- preview goes away). A preview warned of its expiry (Expiring) is still Healthy while Ready.
local hs = {}

local function condition(conditions, kind)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function message(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

if obj.status == nil or obj.status.conditions == nil or #obj.status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the preview-operator to report the preview's status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the preview-operator to observe generation " .. tostring(generation)
  return hs
end

-- a condition computed for an older generation does not describe the current spec
local function current(c)
  return c ~= nil and (c.observedGeneration == nil or generation == nil or c.observedGeneration >= generation)
end

local ready = condition(obj.status.conditions, "Ready")
local provisioned = condition(obj.status.conditions, "Provisioned")
local seedFailed = condition(obj.status.conditions, "SeedFailed")
local rolledOver = condition(obj.status.conditions, "RolledOver")

-- a BlueGreen rollover to the commit asked for: Ready describes the old commit, which serves meanwhile
local incoming = obj.status.next
if incoming ~= nil and obj.spec ~= nil and incoming.commit == obj.spec.commit then
  local short = incoming.shortCommit or incoming.commit
  if incoming.phase == "SeedFailed" or incoming.phase == "Failed" then
    hs.status = "Degraded"
    hs.message = "Rollover to " .. short .. " failed: " .. message(rolledOver, incoming.message or "see status.next")
    return hs
  end
  hs.status = "Progressing"
  hs.message = "Rolling over to " .. short .. " (" .. tostring(incoming.phase) .. "): "
    .. message(rolledOver, incoming.message or "the new backend starts beside the old one")
  return hs
end

if current(ready) and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message(ready, "Ready")
  return hs
end

if current(ready) and ready.reason == "ReconcileError" then
  hs.status = "Degraded"
  hs.message = "ReconcileError: " .. message(ready, "the API server refuses the operator's requests")
  return hs
end

if current(seedFailed) and seedFailed.status == "True" then
  hs.status = "Degraded"
  hs.message = "Seed failed: " .. message(seedFailed, "the seed Job failed")
  return hs
end

local reason = nil
if current(provisioned) and provisioned.status ~= "True" then
  reason = provisioned.reason
end

local degraded = {ProvisionFailed = true, InvalidSpec = true, UnknownPlan = true, BranchConflict = true}
if reason ~= nil and degraded[reason] then
  hs.status = "Degraded"
  hs.message = reason .. ": " .. message(provisioned, "the preview cannot be provisioned")
  return hs
end

if reason == "Expired" then
  hs.status = "Suspended"
  hs.message = "Expired: " .. message(provisioned, "push a new commit to provision it again")
  return hs
end

if reason == "Asleep" then
  hs.status = "Suspended"
  hs.message = "Asleep: " .. message(provisioned, "wake it with preview wake")
  return hs
end

if reason == "ScaledToZero" then
  hs.status = "Suspended"
  hs.message = "Scaled to zero: " .. message(provisioned, "spec.backend.replicas is 0")
  return hs
end

if reason == "DeploymentLimitExceeded" then
  hs.status = "Suspended"
  hs.message = "Waiting for a free slot: " .. message(provisioned, "the namespace reached its deployment limit")
    .. "; it starts by itself when another preview in the namespace is deleted or expires"
  return hs
end

local phase = obj.status.phase
if phase == nil or phase == "" then
  phase = "Pending"
end
hs.status = "Progressing"
hs.message = phase .. ": " .. message(ready, "waiting for the preview to become ready")
return hs
