// One alias, configured from the stack: `routing` (JSON list of {stateMachineVersionArn, weight}),
// `aliasName`, `description`, `adoptExisting`, `resourceName`, and `extraArgs` (JSON merged into the
// args, to send inputs the SDK's types would not allow).
import * as pulumi from "@pulumi/pulumi";
import { StateMachineAlias, StateMachineAliasArgs } from "../../../../sdk";

const config = new pulumi.Config();
const args: Record<string, unknown> = { routingConfiguration: JSON.parse(config.require("routing")) };
const aliasName = config.get("aliasName");
if (aliasName) args.name = aliasName;
const configuredDescription = config.get("description");
if (configuredDescription !== undefined) args.description = configuredDescription;
if (config.getBoolean("adoptExisting")) args.adoptExisting = true;
Object.assign(args, JSON.parse(config.get("extraArgs") ?? "{}"));

const alias = new StateMachineAlias(config.get("resourceName") ?? "live", args as unknown as StateMachineAliasArgs);

export const arn = alias.arn;
export const name = alias.name;
export const description = alias.description;
export const adoptExisting = alias.adoptExisting;
export const routingConfiguration = alias.routingConfiguration;
export const stateMachineArn = alias.stateMachineArn;
export const creationDate = alias.creationDate;
export const updateDate = alias.updateDate;
