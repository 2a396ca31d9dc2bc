/**
 * Generated from docs/openapi.json by `npm run api-types` (openapi-typescript). Do not edit:
 * change the API's models, re-export the schema, and regenerate.
 */

export type paths = {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is the API up */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your jobs, newest first */
        get: operations["list_jobs_jobs_get"];
        put?: never;
        /**
         * Queue a new song
         * @description Returns at once with the QUEUED job; poll `status_url`. A repeat with the same `Idempotency-Key` returns the first job instead of creating another. With `parent_id` + `edit` the body is an edit of that job (as `POST /jobs/{id}/edits`): 404 when the parent is not yours.
         */
        post: operations["create_job_jobs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job: status, stage, progress, spec, QA and downloads */
        get: operations["get_job_jobs__job_id__get"];
        put?: never;
        post?: never;
        /** Delete a job and all its files */
        delete: operations["delete_job_jobs__job_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a queued or running job */
        post: operations["cancel_job_jobs__job_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/edits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Edit a finished song: a new job, its child
         * @description The body is one edit; `kind` says which: `variation` (new seed, whole song or chosen `roles`), `swap` (one role with another `instrument` or `seed`), `add` / `remove` a part, `retempo` (`bpm`), `transpose` (`semitones`), `extend` (`bars`, `before`), `replace_bars` (`start_bar`..`end_bar`, `seed` or `text`), `remaster` (`master_preset` or `reference_upload_id`). The child reuses the parent's stems for every role the edit leaves alone and the parent is not changed. 409 when the job has not SUCCEEDED or the stems it would reuse have expired; 400 naming the field for a role the song lacks or bars outside it. A repeat with the same `Idempotency-Key` returns the first child.
         */
        post: operations["create_edit_jobs__job_id__edits_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/lineage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job's edit family: ancestors and descendants */
        get: operations["get_lineage_jobs__job_id__lineage_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a failed or cancelled job again as a new job */
        post: operations["retry_job_jobs__job_id__retry_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/stems.zip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redirect to a zip of every stem */
        get: operations["stems_zip_jobs__job_id__stems_zip_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get where and how to upload a reference track
         * @description Declare content_type and size_bytes; the answer says how to send the file. Then pass upload_id as reference_upload_id to POST /jobs.
         */
        post: operations["create_upload_uploads_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/{upload_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Send the reference track's bytes (local server only)
         * @description The raw file as the body, with the Content-Type declared in POST /uploads. Only a reserved, unexpired upload_id of the caller takes a body, once, of exactly the declared size; type and magic bytes are checked before anything is stored.
         */
        put: operations["put_upload_uploads__upload_id__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        /**
         * AddPartEdit
         * @description A role the song lacks (a counter-melody, strings); the instrument defaults to the genre's.
         */
        AddPartEdit: {
            /**
             * Instrument
             * @example strings
             */
            instrument?: string | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "add";
            role: components["schemas"]["Role"];
        };
        /** ArtifactResponse */
        ArtifactResponse: {
            /** Content Type */
            content_type: string;
            /**
             * Kind
             * @description mix, preview, stem, midi, waveform, spectrogram, report, stems_zip, ...
             */
            kind: string;
            /** Role */
            role?: string | null;
            /** Size Bytes */
            size_bytes: number;
            /**
             * Url
             * @description A download URL valid for at most 15 minutes.
             */
            url: string;
        };
        /**
         * CreateJobRequest
         * @description POST /jobs. Only `prompt` is required; explicit fields win over what the prompt says.
         * @example {
         *       "duration_s": 30,
         *       "prompt": "warm lo-fi hip hop at 80 bpm with rhodes"
         *     }
         */
        CreateJobRequest: {
            /** Duration S */
            duration_s?: number | null;
            /**
             * Edit
             * @description What to change in the parent (see `kind`).
             */
            edit?: (components["schemas"]["VariationEdit"] | components["schemas"]["SwapEdit"] | components["schemas"]["AddPartEdit"] | components["schemas"]["RemovePartEdit"] | components["schemas"]["RetempoEdit"] | components["schemas"]["TransposeEdit"] | components["schemas"]["ExtendEdit"] | components["schemas"]["ReplaceBarsEdit"] | components["schemas"]["RemasterEdit"]) | null;
            /**
             * Loop
             * @description A seamlessly loopable piece of whole bars.
             * @default false
             */
            loop: boolean;
            /**
             * Master Preset
             * @description Defaults to the server's preset.
             */
            master_preset?: ("streaming" | "club" | "broadcast") | null;
            overrides?: components["schemas"]["SpecOverrides"];
            /**
             * Parent Id
             * @description With `edit`: a SUCCEEDED job of yours to edit; the new job is its child and the prompt may be left out (the child keeps the parent's).
             */
            parent_id?: string | null;
            /** @description The sections in order (`amp parse` prints the derived one in this shape); the song is as long as its bars, whatever duration_s says. */
            plan?: components["schemas"]["Plan"] | null;
            /**
             * Prompt
             * @description What the song should be.
             */
            prompt: string;
            /**
             * Provider
             * @default procedural
             * @enum {string}
             */
            provider: "procedural" | "stability";
            /**
             * Reference Upload Id
             * @description An upload_id from POST /uploads whose file was sent.
             */
            reference_upload_id?: string | null;
            /**
             * Seed
             * @description Same seed + prompt, same song.
             */
            seed?: number | null;
            /**
             * Stability Mode
             * @description Stability provider: 'guided' (default) re-renders each composed stem; 'mix' asks for the whole song in one request (mix only, no stems).
             */
            stability_mode?: ("guided" | "mix") | null;
            /**
             * Stability Strength
             * @description Stability provider, guided mode: how far the model may move from the composed stems, 0.1 (keeps their timing and harmony, changes the sound) to 0.9 (reinterprets them); default 0.35.
             */
            stability_strength?: number | null;
        };
        /**
         * CreateUploadRequest
         * @description POST /uploads: say what you will send so type and size are refused before any byte moves.
         */
        CreateUploadRequest: {
            /**
             * Content Type
             * @example audio/wav
             */
            content_type: string;
            /** Filename */
            filename?: string | null;
            /** Size Bytes */
            size_bytes: number;
        };
        /**
         * EditRequest
         * @description POST /jobs/{id}/edits: one edit, its `kind` saying which; the job it names is the parent.
         * @example {
         *       "instrument": "808",
         *       "kind": "swap",
         *       "role": "bass"
         *     }
         * @example {
         *       "kind": "variation",
         *       "roles": [
         *         "lead"
         *       ]
         *     }
         * @example {
         *       "bars": 8,
         *       "kind": "extend"
         *     }
         * @example {
         *       "end_bar": 24,
         *       "kind": "replace_bars",
         *       "start_bar": 17,
         *       "text": "a quiet breakdown"
         *     }
         * @example {
         *       "kind": "remaster",
         *       "master_preset": "club"
         *     }
         */
        EditRequest: components["schemas"]["VariationEdit"] | components["schemas"]["SwapEdit"] | components["schemas"]["AddPartEdit"] | components["schemas"]["RemovePartEdit"] | components["schemas"]["RetempoEdit"] | components["schemas"]["TransposeEdit"] | components["schemas"]["ExtendEdit"] | components["schemas"]["ReplaceBarsEdit"] | components["schemas"]["RemasterEdit"];
        /** ErrorDetail */
        ErrorDetail: {
            /**
             * Code
             * @description Stable machine-readable code, e.g. not_found, validation_error.
             */
            code: string;
            /** Details */
            details?: unknown;
            /** Message */
            message: string;
        };
        /**
         * ErrorResponse
         * @description Every 4xx and 5xx answer has this body.
         */
        ErrorResponse: {
            error: components["schemas"]["ErrorDetail"];
        };
        /**
         * ExtendEdit
         * @description N more bars of the song's material: after (before its outro) or before the start.
         */
        ExtendEdit: {
            /** Bars */
            bars: number;
            /**
             * Before
             * @default false
             */
            before: boolean;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "extend";
        };
        /**
         * ExtendOp
         * @description `bars` more bars of the song's own material: after (before the last section, so the song still
         *     ends on its outro) or before the start (the opening bars again, rising into the song).
         */
        ExtendOp: {
            /** Bars */
            bars: number;
            /**
             * Before
             * @default false
             */
            before: boolean;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            op: "extend";
        };
        /** HealthResponse */
        HealthResponse: {
            /** Backend */
            backend: string;
            /**
             * Status
             * @default ok
             * @constant
             */
            status: "ok";
            /** Version */
            version: string;
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** Instrument */
        Instrument: {
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** JobError */
        JobError: {
            /**
             * Error Type
             * @default Error
             */
            error_type: string;
            /** Reason */
            reason: string;
            /** Stage */
            stage: string;
        };
        /** JobListResponse */
        JobListResponse: {
            /** Jobs */
            jobs: components["schemas"]["JobResponse"][];
            /**
             * Next Cursor
             * @description Pass as ?cursor= for the next (older) page.
             */
            next_cursor?: string | null;
        };
        /**
         * JobOptions
         * @description What the caller chose besides the prompt.
         */
        JobOptions: {
            /** Duration S */
            duration_s?: number | null;
            /**
             * Loop
             * @default false
             */
            loop: boolean;
            /**
             * Master Preset
             * @default streaming
             * @enum {string}
             */
            master_preset: "streaming" | "club" | "broadcast";
            overrides?: components["schemas"]["SpecOverrides"];
            plan?: components["schemas"]["Plan"] | null;
            /**
             * Provider
             * @default procedural
             * @enum {string}
             */
            provider: "procedural" | "stability";
            /** Seed */
            seed?: number | null;
            /** Stability Mode */
            stability_mode?: ("guided" | "mix") | null;
            /** Stability Strength */
            stability_strength?: number | null;
        };
        /**
         * JobResponse
         * @description A job as the web app shows it. `artifacts` is empty until the job has SUCCEEDED.
         */
        JobResponse: {
            /** Artifacts */
            artifacts?: components["schemas"]["ArtifactResponse"][];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Edit
             * @description How this job changes its parent.
             */
            edit?: (components["schemas"]["VariationEdit"] | components["schemas"]["SwapEdit"] | components["schemas"]["AddPartEdit"] | components["schemas"]["RemovePartEdit"] | components["schemas"]["RetempoEdit"] | components["schemas"]["TransposeEdit"] | components["schemas"]["ExtendEdit"] | components["schemas"]["ReplaceBarsEdit"] | components["schemas"]["RemasterEdit"]) | null;
            error?: components["schemas"]["JobError"] | null;
            /** Id */
            id: string;
            options: components["schemas"]["JobOptions"];
            /**
             * Parent Id
             * @description The job this one is an edit of.
             */
            parent_id?: string | null;
            /**
             * Parent Job Id
             * @description The job this one retries.
             */
            parent_job_id?: string | null;
            /** Progress */
            progress: number;
            /** Prompt */
            prompt: string;
            qa?: components["schemas"]["QAReport"] | null;
            /** Reference Key */
            reference_key?: string | null;
            spec?: components["schemas"]["MusicSpec"] | null;
            /** Stage */
            stage?: string | null;
            status: components["schemas"]["JobStatus"];
            /**
             * Status Url
             * @description GET this to follow the job.
             */
            status_url: string;
            /**
             * Stem Reports
             * @description Per role (whole-mix mode: under `mix`), what a generative provider did: requests, credits, corrections; in whole-mix mode the tempo and key `measured` in the returned song beside the `asked` ones.
             */
            stem_reports?: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
            /**
             * Stems Unavailable
             * @description Why the job has no stems, MIDI or stems.zip (whole-mix mode); null when it has them.
             */
            stems_unavailable?: string | null;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * JobStatus
         * @enum {string}
         */
        JobStatus: "QUEUED" | "PARSING" | "ANALYZING" | "GENERATING" | "MIXING" | "MASTERING" | "CHECKING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
        /**
         * LineageEntry
         * @description One job of an edit family.
         */
        LineageEntry: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Edit */
            edit?: (components["schemas"]["VariationEdit"] | components["schemas"]["SwapEdit"] | components["schemas"]["AddPartEdit"] | components["schemas"]["RemovePartEdit"] | components["schemas"]["RetempoEdit"] | components["schemas"]["TransposeEdit"] | components["schemas"]["ExtendEdit"] | components["schemas"]["ReplaceBarsEdit"] | components["schemas"]["RemasterEdit"]) | null;
            /** Id */
            id: string;
            /** Parent Id */
            parent_id?: string | null;
            /** Prompt */
            prompt: string;
            status: components["schemas"]["JobStatus"];
            /** Status Url */
            status_url: string;
        };
        /**
         * LineageResponse
         * @description A job's edit family among your jobs: `ancestors` root first (the parent last), `descendants`
         *     breadth first (edits of this job, then their edits).
         */
        LineageResponse: {
            /** Ancestors */
            ancestors: components["schemas"]["LineageEntry"][];
            /** Descendants */
            descendants: components["schemas"]["LineageEntry"][];
            job: components["schemas"]["LineageEntry"];
        };
        /**
         * MasterAdjustments
         * @description What QA asks the next mastering pass to change.
         */
        MasterAdjustments: {
            /**
             * Ceiling Offset Db
             * @default 0
             */
            ceiling_offset_db: number;
            /**
             * Loudness Offset Lu
             * @default 0
             */
            loudness_offset_lu: number;
        };
        /**
         * Mode
         * @enum {string}
         */
        Mode: "major" | "minor" | "dorian" | "phrygian" | "lydian" | "mixolydian" | "aeolian" | "locrian";
        /**
         * MusicSpec
         * @description The parsed request. Every generator, the mixer and QA read this and nothing else.
         */
        MusicSpec: {
            /**
             * Asked Duration S
             * @description The length the request asked for (or the default it fell back on), before it was rounded to whole bars; None when a given plan's bars set the length and no duration was asked.
             */
            asked_duration_s?: number | null;
            /** Bpm */
            bpm: number;
            /**
             * Duration S
             * @description The delivered length: whole bars (total_bars) at the tempo, through its tempo map.
             */
            duration_s: number;
            /**
             * Energy
             * @default 0.5
             */
            energy: number;
            /** Excluded Roles */
            excluded_roles?: components["schemas"]["Role"][];
            /** Genre */
            genre: string;
            /** Instruments */
            instruments?: components["schemas"]["Instrument"][];
            /** Key */
            key: string;
            /**
             * Loop
             * @description Render a seamlessly loopable piece of whole bars.
             * @default false
             */
            loop: boolean;
            mode: components["schemas"]["Mode"];
            /** Mood */
            mood?: string[];
            /**
             * Notes
             * @description What the parser adjusted, in words.
             */
            notes?: string[];
            /**
             * Part Seeds
             * @description A role's own seed for its part (an edit's variation or swap of that role); the song's seed still writes form and harmony, so the new part fits the others.
             */
            part_seeds?: {
                [key: string]: number;
            };
            /** @description The sections; after parse always set (provenance['plan'] says whence). */
            plan?: components["schemas"]["Plan"] | null;
            /** Provenance */
            provenance?: {
                [key: string]: components["schemas"]["Provenance"];
            };
            /** @description Set on an edited song: the score is composed at these values and re-performed through these operations (retempo, transpose, extend, replace bars) instead of composed anew. */
            rendition?: components["schemas"]["Rendition"] | null;
            /** Seed */
            seed: number;
            /** Structure Hints */
            structure_hints?: string[];
            /**
             * Time Signature
             * @default 4/4
             */
            time_signature: string;
            /**
             * Total Bars
             * @description Whole bars the song is composed in (after parse always set).
             */
            total_bars?: number | null;
        };
        /**
         * Plan
         * @description The song's sections in order. Given plans win over durations: the song is as long as its bars.
         */
        Plan: {
            /** Sections */
            sections: components["schemas"]["SectionPlan"][];
        };
        /**
         * Provenance
         * @description Where a spec value came from, so the UI and QA can tell stated from guessed.
         * @enum {string}
         */
        Provenance: "stated" | "inferred" | "defaulted" | "overridden" | "reference";
        /** QACheck */
        QACheck: {
            /**
             * Message
             * @description A human sentence saying what was found.
             */
            message: string;
            /** Name */
            name: string;
            /** Passed */
            passed: boolean;
            /**
             * Remasterable
             * @description True when another mastering pass with adjusted settings can fix it.
             * @default false
             */
            remasterable: boolean;
            /**
             * @description hard: a failure may fail the job; advisory: a style note that never does. Reports stored before the split have no severity and read as hard, as they were judged.
             * @default hard
             */
            severity: components["schemas"]["Severity"];
            /**
             * Threshold
             * @description The bound in words and numbers, e.g. '<= -1.0 dBTP'.
             */
            threshold: string;
            /** Value */
            value?: number | null;
        };
        /** QAReport */
        QAReport: {
            adjustments?: components["schemas"]["MasterAdjustments"] | null;
            /** Checks */
            checks?: components["schemas"]["QACheck"][];
            /** Integrated Lufs */
            integrated_lufs?: number | null;
            /**
             * Mastering Pass
             * @default 1
             */
            mastering_pass: number;
            /**
             * Passed
             * @description True when every hard check passed; advisory notes do not change it.
             */
            passed: boolean;
            /**
             * Stems
             * @description Each delivered stem as measured (or carried over from the parent, `carried_from`); the stems_intact and stems_sum_to_mix checks judge them. Mix-level checks always run on the job's own master.
             */
            stems?: components["schemas"]["StemCheck"][];
            /** Target Lufs */
            target_lufs?: number | null;
            /** True Peak Dbtp */
            true_peak_dbtp?: number | null;
        };
        /**
         * RemasterEdit
         * @description Master the parent's stems again with another preset or toward a reference; nothing is
         *     regenerated.
         */
        RemasterEdit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "remaster";
            /** Master Preset */
            master_preset?: ("streaming" | "club" | "broadcast") | null;
            /**
             * Reference Upload Id
             * @description An upload_id from POST /uploads.
             */
            reference_upload_id?: string | null;
        };
        /**
         * RemovePartEdit
         * @description Drop one role; the rest is remixed from the stems as they are.
         */
        RemovePartEdit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "remove";
            role: components["schemas"]["Role"];
        };
        /**
         * Rendition
         * @description The composition a spec's score is taken from (the tempo, key and length it was composed at)
         *     and the operations applied to it in order.
         */
        Rendition: {
            /** Composed Bpm */
            composed_bpm: number;
            /** Composed Duration S */
            composed_duration_s: number;
            /** Composed Key */
            composed_key: string;
            /** @description The sections the score was composed with (the edited song's own plan is its new section list); None in records from before it was kept: the spec's plan then. */
            composed_plan?: components["schemas"]["Plan"] | null;
            /** Ops */
            ops?: (components["schemas"]["RetempoOp"] | components["schemas"]["TransposeOp"] | components["schemas"]["ExtendOp"] | components["schemas"]["ReplaceOp"])[];
        };
        /**
         * ReplaceBarsEdit
         * @description Bars start_bar..end_bar (from 1, inclusive) re-composed with a new seed (or one drawn from the
         *     section text); every stem outside them is the parent's, bit for bit, but for a short crossfade.
         */
        ReplaceBarsEdit: {
            /** End Bar */
            end_bar: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "replace_bars";
            /**
             * Seed
             * @description None: a new seed is derived.
             */
            seed?: number | null;
            /** Start Bar */
            start_bar: number;
            /** Text */
            text?: string | null;
        };
        /**
         * ReplaceOp
         * @description Bars start_bar..end_bar (1-based, inclusive) come from the same song composed with `seed`, at
         *     `energy` when the edit's section text implies one ("a quiet breakdown": sparser parts).
         */
        ReplaceOp: {
            /** End Bar */
            end_bar: number;
            /** Energy */
            energy?: number | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            op: "replace";
            /** Seed */
            seed: number;
            /** Start Bar */
            start_bar: number;
        };
        /** ResponseValidationError */
        ResponseValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /**
         * RetempoEdit
         * @description The same score played at another tempo (every stem re-rendered, not time-stretched).
         */
        RetempoEdit: {
            /** Bpm */
            bpm: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "retempo";
        };
        /**
         * RetempoOp
         * @description Play the score at another opening tempo; notes stay in quarter notes, so the song lasts longer
         *     or shorter and the tempo map (rubato, ritardando) scales with it.
         */
        RetempoOp: {
            /** Bpm */
            bpm: number;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            op: "retempo";
        };
        /**
         * Role
         * @description What a part does in the arrangement; one stem per role.
         * @enum {string}
         */
        Role: "drums" | "percussion" | "bass" | "chords" | "pad" | "lead" | "arp" | "fx" | "vocal-like";
        /**
         * SectionPlan
         * @description One section of a plan the producer can write down: a name, a length in whole bars, an energy
         *     and the roles that enter or drop out. `text` shapes it in words ("filtered", "half-time",
         *     "no drums"). The composer plays exactly these bars, in this order, on the tempo's bar grid.
         */
        SectionPlan: {
            /**
             * Add Roles
             * @description Roles that play in this section only.
             */
            add_roles?: components["schemas"]["Role"][];
            /** Bars */
            bars: number;
            /**
             * Energy
             * @default 0.5
             */
            energy: number;
            /**
             * Mute Roles
             * @description Roles silent in this section.
             */
            mute_roles?: components["schemas"]["Role"][];
            /**
             * Name
             * @description intro, verse, chorus, build, drop, ... or free text
             */
            name: string;
            /** Text */
            text?: string | null;
        };
        /**
         * Severity
         * @description What a failed check does to the job.
         * @enum {string}
         */
        Severity: "hard" | "advisory";
        /**
         * SpecOverrides
         * @description Explicit values from CLI flags or API fields; they win over the prompt text.
         */
        SpecOverrides: {
            /** Bpm */
            bpm?: number | null;
            /** Energy */
            energy?: number | null;
            /** Excluded Roles */
            excluded_roles?: components["schemas"]["Role"][] | null;
            /** Genre */
            genre?: string | null;
            /** Key */
            key?: string | null;
            mode?: components["schemas"]["Mode"] | null;
            /** Time Signature */
            time_signature?: string | null;
        };
        /**
         * StemCheck
         * @description One delivered (post-fader) stem as QA read it: what the per-stem checks measured, and where
         *     the measurement comes from.
         *
         *     A post-fader stem is the rendered stem through its channel strip times one gain curve shared by
         *     every stem (the bus glue and headroom trim), so an edit that changes any stem changes the level,
         *     and so the bytes, of every post-fader stem, reused or not. Every figure here is a function of the
         *     stem file's samples alone; the result is carried over from an edit's parent only when the file is
         *     byte-identical to the one the parent measured (same `sha256`). The length is compared with the
         *     mix again every time (the mix is always new).
         */
        StemCheck: {
            /**
             * Carried From
             * @description The parent job whose QA measured this byte-identical stem file; the result was carried over, not measured again. None: measured by this job's QA.
             */
            carried_from?: string | null;
            /**
             * Clipped Samples
             * @description Samples at full scale in runs of two or more.
             * @default 0
             */
            clipped_samples: number;
            /**
             * Finite
             * @description No NaN or infinite sample.
             * @default true
             */
            finite: boolean;
            /** Frames */
            frames: number;
            /**
             * Peak Dbfs
             * @description Sample peak; None when the stem is digital silence.
             */
            peak_dbfs: number | null;
            /**
             * Rendered In
             * @description The job whose generate stage rendered this role's stem when an edit reused it from its parent (or an ancestor). None: this job rendered it.
             */
            rendered_in?: string | null;
            /** Role */
            role: string;
            /**
             * Sha256
             * @description Digest of the stored stem file; empty when measured from memory.
             * @default
             */
            sha256: string;
        };
        /**
         * SwapEdit
         * @description One role again, with another instrument (same notes unless a seed is given) or another seed;
         *     every other stem and the mix settings are kept.
         */
        SwapEdit: {
            /**
             * Instrument
             * @example 808
             */
            instrument?: string | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "swap";
            role: components["schemas"]["Role"];
            /**
             * Seed
             * @description None: a new seed is derived.
             */
            seed?: number | null;
        };
        /**
         * TransposeEdit
         * @description The same score played transposed by a number of semitones (drums stay).
         */
        TransposeEdit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "transpose";
            /** Semitones */
            semitones: number;
        };
        /**
         * TransposeOp
         * @description Every pitched note (not drums) moves by this many semitones; key and chords with it.
         */
        TransposeOp: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            op: "transpose";
            /** Semitones */
            semitones: number;
        };
        /**
         * UploadResponse
         * @description How to send the file: in the cloud a multipart POST of `fields` + the file to `url` (S3);
         *     locally a PUT of the raw bytes to `url` with the given headers.
         */
        UploadResponse: {
            /** Expires In S */
            expires_in_s: number;
            /** Fields */
            fields?: {
                [key: string]: string;
            };
            /** Headers */
            headers?: {
                [key: string]: string;
            };
            /** Max Bytes */
            max_bytes: number;
            /**
             * Method
             * @enum {string}
             */
            method: "POST" | "PUT";
            /** Upload Id */
            upload_id: string;
            /** Url */
            url: string;
        };
        /** UploadStoredResponse */
        UploadStoredResponse: {
            /** Content Type */
            content_type: string;
            /** Size Bytes */
            size_bytes: number;
            /** Upload Id */
            upload_id: string;
        };
        /** ValidationError */
        ValidationError: {
            /** Location */
            loc: (string | number)[];
            /** Error Type */
            type: string;
        };
        /**
         * VariationEdit
         * @description The same song with a new seed: the whole song (no roles), or only the chosen roles' parts (the
         *     rest reused as they are).
         */
        VariationEdit: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "variation";
            /** Roles */
            roles?: components["schemas"]["Role"][];
            /**
             * Seed
             * @description None: a new seed is derived.
             */
            seed?: number | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    list_jobs_jobs_get: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page. */
                cursor?: string | null;
                /** @description Page size. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobListResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create_job_jobs_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string per intended job (e.g. a UUID); kept 24 h. */
                "idempotency-key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateJobRequest"];
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    /** @description The job's status_url. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_job_jobs__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    delete_job_jobs__job_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with its files. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    cancel_job_jobs__job_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create_edit_jobs__job_id__edits_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string per intended job (e.g. a UUID); kept 24 h. */
                "idempotency-key"?: string | null;
            };
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EditRequest"];
            };
        };
        responses: {
            /** @description The child job, queued. */
            202: {
                headers: {
                    /** @description The child's status_url. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_lineage_jobs__job_id__lineage_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lineage. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LineageResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    retry_job_jobs__job_id__retry_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new job, queued. */
            202: {
                headers: {
                    /** @description The new job's status_url. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    stems_zip_jobs__job_id__stems_zip_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Found: Location is the zip. */
            302: {
                headers: {
                    /** @description A download URL valid for at most 15 minutes. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create_upload_uploads_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUploadRequest"];
            };
        };
        responses: {
            /** @description How to send the file. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body or file is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The file type is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    put_upload_uploads__upload_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stored. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadStoredResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body or file is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The file type is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
