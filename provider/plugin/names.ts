/**
 * The plugin's names, shared by the schema, the gRPC glue and the SDK classes (so the SDK cannot drift from
 * the schema): the package (schema `name`, the `sfn-alias:*` config namespace), its resource's type token,
 * its provider's type, and its configuration keys. Pure, no imports: the SDK loads it.
 */
/** The package name (the metaschema's `^[a-zA-Z][-a-zA-Z0-9_]*$`). */
export const PACKAGE_NAME = "sfn-alias";
export const RESOURCE_TOKEN = `${PACKAGE_NAME}:index:StateMachineAlias`;
export const PROVIDER_TYPE = `pulumi:providers:${PACKAGE_NAME}`;
/** The provider's configuration: `sfn-alias:<key>` stack config, or an explicit provider's inputs. */
export const CONFIG_KEYS = ["region", "profile", "accessKey", "secretKey", "token", "endpoints", "assumeRoles"] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
/** Config kept secret: accessKey too, as @pulumi/aws's Provider does (additionalSecretOutputs). */
export const SECRET_CONFIG_KEYS: readonly ConfigKey[] = ["accessKey", "secretKey", "token"];
