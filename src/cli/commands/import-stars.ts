import type { Command } from "commander";
import { z } from "zod";
import { CatalogError } from "../../catalog/des.js";
import { migrate } from "../../db/index.js";
import { importStars } from "../../jobs/predict/stars.js";
import { InputError } from "../errors.js";
import { addDatabaseOptions, openDatabaseFromFlags, type DatabaseFlags } from "./db.js";

const schema = z.object({
  starEpoch: z.coerce.number().min(1900).max(2200).optional(),
  release: z.enum(["DR2", "EDR3", "DR3"]).optional(),
  magLimit: z.coerce.number().finite().optional(),
});

/**
 * Adds `tno db import-stars <file>` to the `db` command (wire with
 * `registerImportStars(registerDb(program))`): loads a star catalogue with Gaia columns (CSV,
 * ECSV, VOTable) into `gaia_dr3_source`, upserting on `source_id`.
 */
export function registerImportStars(db: Command): void {
  addDatabaseOptions(
    db
      .command("import-stars")
      .description("Load a Gaia star catalogue file (CSV with , or ;, ECSV, VOTable TABLEDATA) into gaia_dr3_source (insert or update on source_id).")
      .argument("<file>", "star catalogue file with Gaia column names")
      .option("--star-epoch <year>", "reference epoch when the file has no ref_epoch column")
      .option("--release <DR2|DR3>", "Gaia release, for the reference epoch (DR2 = 2015.5, DR3 = 2016.0)")
      .option("--mag-limit <G>", "load only stars with G at most this"),
  ).action(async (file: string, raw: DatabaseFlags & Record<string, unknown>) => {
    const opts = schema.parse(raw);
    const handle = await openDatabaseFromFlags(raw);
    try {
      await migrate(handle);
      const n = await importStars(handle, file, {
        ...(opts.starEpoch !== undefined ? { refEpochYr: opts.starEpoch } : {}),
        ...(opts.release !== undefined ? { release: opts.release } : {}),
        ...(opts.magLimit !== undefined ? { magLimit: opts.magLimit } : {}),
      });
      process.stdout.write(`imported ${n} stars into gaia_dr3_source from ${file}\n`);
    } catch (e) {
      if (e instanceof CatalogError) throw new InputError(e.message);
      throw e;
    } finally {
      await handle.close();
    }
  });
}
